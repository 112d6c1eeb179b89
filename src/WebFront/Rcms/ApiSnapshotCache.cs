using System.Collections.Concurrent;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Rcms;

/// <summary>
/// The front-end's copy of every API it serves. A background loop polls the API catalog (one small
/// grain call per interval, answered only with what changed) and reloads snapshots whose version
/// moved, so configuration changes and revocations made anywhere reach this front-end within
/// <see cref="PollInterval"/> plus one grain call. Changes made through this front-end's admin API
/// are applied at once. Every <see cref="FullViewEvery"/>th poll asks for the whole catalog rather than
/// what changed, and an API whose reload failed is reloaded on the next poll, so no change is missed.
/// <see cref="SinceHeard"/> tells how long ago the cluster last answered a poll in full: beyond a
/// limit a snapshot may hold a revoked credential (see <c>Pipeline/StalenessStep</c>).
/// </summary>
public sealed partial class ApiSnapshotCache(IGrainFactory grains, ILogger<ApiSnapshotCache> logger) : BackgroundService
{
    /// <summary>How often the catalog is polled.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long one call of a poll may take. A call caught by a silo's death can otherwise wait for Orleans'
    /// response timeout (30 s), and a poll that hangs that long would make this front-end fail closed for
    /// nothing while the rest of the cluster answers; the next poll goes to the grain's new home.
    /// </summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    /// <summary>One poll in this many asks for the whole catalog (about once a second).</summary>
    public const int FullViewEvery = 4;

    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, CompiledApi> _apis = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyDictionary<string, long> _catalog = new Dictionary<string, long>();
    private long _generation;
    private long _polls;

    // Environment.TickCount64 at the start of the last poll that succeeded in full; starts at creation,
    // so a front-end gets the same grace at start-up as after its last contact.
    private long _heardAt = Environment.TickCount64;

    /// <summary>How long ago (milliseconds) this front-end last completed a poll of the cluster: a volatile read, cheap enough for every request.</summary>
    public long SinceHeard => Environment.TickCount64 - Volatile.Read(ref _heardAt);

    /// <summary>The API, or null when it does not exist. Makes a grain call only on first use after a change.</summary>
    public async ValueTask<CompiledApi?> GetAsync(string apiId)
    {
        if (_apis.TryGetValue(apiId, out var api))
        {
            return api;
        }

        if (!_firstPoll.Task.IsCompleted)
        {
            await _firstPoll.Task.WaitAsync(StartupWait);
        }

        return _catalog.ContainsKey(apiId) ? await RefreshAsync(apiId) : null;
    }

    /// <summary>Reloads one API from its grain (after an admin change, or when the catalog says it moved).</summary>
    public async Task<CompiledApi?> RefreshAsync(string apiId)
    {
        var snapshot = await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync().WaitAsync(CallTimeout);
        if (snapshot is null)
        {
            _apis.TryRemove(apiId, out _);
            return null;
        }

        var compiled = CompiledApi.Compile(snapshot);
        if (compiled.IpRestrictionErrors.Count > 0)
        {
            LogUnreadableIpRestriction(logger, apiId, string.Join("; ", compiled.IpRestrictionErrors));
        }

        return _apis.AddOrUpdate(apiId, compiled, (_, current) => current.Version >= compiled.Version ? current : compiled);
    }

    /// <summary>Polls the catalog now and applies what changed.</summary>
    public async Task PollAsync()
    {
        var startedAt = Environment.TickCount64;

        // The full view now and then: it needs no generation to match, so nothing that happened to the
        // catalog (a new activation, a write it undid) can hide a change from this front-end for long.
        var full = _polls++ % FullViewEvery == 0;
        var view = await grains.GetGrain<IApiCatalogGrain>(0).GetChangesAsync(full ? 0 : _generation).WaitAsync(CallTimeout);
        if (view is not null)
        {
            _catalog = view.Versions;
            _generation = view.Generation;
        }

        // Against the last catalog on every poll, not only when it changed: a reload that failed is retried.
        var catalog = _catalog;
        var stale = _apis.Values
            .Where(api => !catalog.TryGetValue(api.ApiId, out var version) || version > api.Version)
            .Select(api => api.ApiId)
            .ToList();
        if (stale.Count > 0)
        {
            await Task.WhenAll(stale.Select(RefreshAsync));
        }

        Volatile.Write(ref _heardAt, startedAt);
        _firstPoll.TrySetResult();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, ex);
            }

            try
            {
                await Task.Delay(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "API {ApiId} has IP restriction entries that do not parse ({Errors}); every client is denied until they are corrected")]
    private static partial void LogUnreadableIpRestriction(ILogger logger, string apiId, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the API catalog failed; serving the last known snapshots")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
