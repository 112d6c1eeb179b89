using Microsoft.Extensions.Logging;

namespace ApiSecurity.Grains.Apis;

/// <inheritdoc cref="IApiCatalogGrain"/>
[GrainType("api-catalog")]
public sealed partial class ApiCatalogGrain(
    [PersistentState("api-catalog", StorageNames.Store)] IPersistentState<ApiCatalogState> state,
    ILogger<ApiCatalogGrain> logger) : Grain, IApiCatalogGrain
{
    /// <summary>
    /// How often every API is asked whether the catalog missed one of its versions (a silo that died
    /// between the two steps of a change). One small call per API and period.
    /// </summary>
    internal static readonly TimeSpan ReconciliationPeriod = TimeSpan.FromSeconds(1);

    private ApiCatalogView? _view;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Interleaved: the reconciliation waits on API grains, which answer by calling SetAsync here,
        // and front-ends' polls must never wait behind it.
        this.RegisterGrainTimer(
            static (grain, _) => grain.ReconcileAsync(),
            this,
            new GrainTimerCreationOptions(ReconciliationPeriod, ReconciliationPeriod) { Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task SetAsync(string apiId, long version)
    {
        var had = state.State.Versions.TryGetValue(apiId, out var known);
        if (had && known >= version)
        {
            return;
        }

        state.State.Versions[apiId] = version;
        await WriteAsync(() =>
        {
            if (had)
            {
                state.State.Versions[apiId] = known;
            }
            else
            {
                state.State.Versions.Remove(apiId);
            }
        });
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(string apiId)
    {
        if (state.State.Versions.Remove(apiId, out var known))
        {
            await WriteAsync(() => state.State.Versions[apiId] = known);
        }
    }

    /// <inheritdoc/>
    public Task<ApiCatalogView?> GetChangesAsync(long knownGeneration)
    {
        if (knownGeneration == state.State.Generation && knownGeneration != 0)
        {
            return Task.FromResult<ApiCatalogView?>(null);
        }

        _view ??= new ApiCatalogView(state.State.Generation, new Dictionary<string, long>(state.State.Versions, StringComparer.Ordinal));
        return Task.FromResult<ApiCatalogView?>(_view);
    }

    /// <summary>
    /// Persists a change already applied in memory. When the write fails the change is undone, so no
    /// front-end sees a version the store may not hold, and the activation is dropped, so the next one
    /// reads what the store really holds (the write may have landed although it reported a failure).
    /// </summary>
    private async Task WriteAsync(Action undo)
    {
        state.State.Generation++;
        _view = null;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            state.State.Generation--;
            _view = null;
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task ReconcileAsync()
    {
        var known = state.State.Versions.ToArray();
        await Task.WhenAll(known.Select(async entry =>
        {
            try
            {
                await GrainFactory.GetGrain<IApiGrain>(entry.Key).EnsurePublishedAsync(entry.Value);
            }
            catch (Exception ex)
            {
                LogReconciliationFailed(logger, entry.Key, ex);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling API {ApiId} with the catalog failed; trying again next period")]
    private static partial void LogReconciliationFailed(ILogger logger, string apiId, Exception exception);
}
