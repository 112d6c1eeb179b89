using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// Publication of the API's version to the catalog, the second step of every change after the state
/// write. Front-ends reload an API only when the catalog says its version moved, so a change that is
/// written but never published would be invisible to them for ever (a revoked token would keep working).
/// The change is acknowledged only once the catalog has it; a publication that fails is retried here
/// while this activation lives, again when the grain activates, and by the catalog's reconciliation
/// (<see cref="EnsurePublishedAsync"/>) if this activation dies with it: every change is announced to the
/// catalog before it is written (<see cref="AnnounceChangeAsync"/>), and the catalog asks the APIs whose
/// announced version has not arrived.
/// </summary>
public sealed partial class ApiGrain
{
    private const int PublishAttempts = 3;
    private static readonly TimeSpan PublishRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PendingPublishPeriod = TimeSpan.FromMilliseconds(200);

    private IGrainTimer? _pendingPublish;
    private ILogger? _logger;
    private bool _publishFailureLogged;

    private ILogger Logger => _logger ??= ServiceProvider.GetRequiredService<ILogger<ApiGrain>>();

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The previous activation may have died between writing a change and publishing it. Published
        // from a timer rather than awaited here: an activation must not wait on the catalog, which may be
        // moving off a dead silo at this very moment.
        if (S.Version > 0)
        {
            StartPendingPublish();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task EnsurePublishedAsync(long catalogVersion)
    {
        if (!S.Exists || S.Version > catalogVersion)
        {
            await TryPublishAsync();
        }
    }

    /// <summary>
    /// The first step of every change, before the state write: tells the catalog a version is coming, so that its
    /// reconciliation asks this API if the publication never arrives. When the catalog cannot be told, nothing is
    /// written and the change fails; the activation is dropped, since the caller already changed its state in memory.
    /// </summary>
    private async Task AnnounceChangeAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IApiCatalogGrain>(0).ExpectChangeAsync(ApiId);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Publishes the current version, retrying briefly; on failure keeps retrying in the background and throws, so the change is not acknowledged.</summary>
    private async Task PublishAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SendToCatalogAsync();
                StopPendingPublish();
                return;
            }
            catch (Exception ex) when (attempt < PublishAttempts)
            {
                LogPublishRetried(Logger, ApiId, S.Version, attempt, ex);
                await Task.Delay(PublishRetryDelay * attempt);
            }
            catch (Exception ex)
            {
                LogPublishFailed(Logger, ApiId, S.Version, ex);
                _publishFailureLogged = true;
                StartPendingPublish();
                throw;
            }
        }
    }

    /// <summary>One publication attempt; on failure the background retry takes over.</summary>
    private async Task TryPublishAsync()
    {
        try
        {
            await SendToCatalogAsync();
            StopPendingPublish();
        }
        catch (Exception ex)
        {
            // Once per episode: the timer retries five times a second while the catalog is unreachable.
            if (!_publishFailureLogged)
            {
                _publishFailureLogged = true;
                LogPublishFailed(Logger, ApiId, S.Version, ex);
            }

            StartPendingPublish();
        }
    }

    private Task SendToCatalogAsync()
    {
        if (CatalogPublishFaults.ShouldFail(ApiId))
        {
            throw new TimeoutException($"publication of API {ApiId} to the catalog failed (injected by a test)");
        }

        // The current state, not the change that failed: a later change supersedes an unpublished one.
        var catalog = GrainFactory.GetGrain<IApiCatalogGrain>(0);
        return S.Exists ? catalog.SetAsync(ApiId, S.Version) : catalog.RemoveAsync(ApiId);
    }

    private void StartPendingPublish() =>
        _pendingPublish ??= this.RegisterGrainTimer(
            static (grain, _) => grain.TryPublishAsync(),
            this,
            new GrainTimerCreationOptions(PendingPublishPeriod, PendingPublishPeriod));

    private void StopPendingPublish()
    {
        _pendingPublish?.Dispose();
        _pendingPublish = null;
        _publishFailureLogged = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing version {Version} of API {ApiId} to the catalog failed (attempt {Attempt}); retrying")]
    private static partial void LogPublishRetried(ILogger logger, string apiId, long version, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing version {Version} of API {ApiId} to the catalog failed; retrying in the background until the catalog has it")]
    private static partial void LogPublishFailed(ILogger logger, string apiId, long version, Exception exception);
}
