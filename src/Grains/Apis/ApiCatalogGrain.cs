using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// <inheritdoc cref="IApiCatalogGrain"/>
/// In memory: the whole list, a sequence number that grows with every change, and a bounded log of the last
/// <see cref="ChangeLogCapacity"/> changes. Reentrant: a change waits for its bucket's write, and polls and
/// other changes go on meanwhile.
/// </summary>
[GrainType("api-catalog")]
[Reentrant]
public sealed partial class ApiCatalogGrain(
    [PersistentState("api-catalog", StorageNames.Store)] IPersistentState<ApiCatalogState> legacy,
    ILogger<ApiCatalogGrain> logger) : Grain, IApiCatalogGrain
{
    /// <summary>
    /// How often the reconciliation runs: it asks each API that announced a change but has not published it for
    /// at least this long (its publication was interrupted, as when a silo died between the two steps of a change),
    /// and, after each activation of the catalog, every API once (in batches), since announcements lived in memory.
    /// </summary>
    internal static readonly TimeSpan ReconciliationPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How many changes the log keeps: a front-end further behind receives the whole list.</summary>
    internal const int ChangeLogCapacity = 4096;

    /// <summary>At most this many APIs are asked per reconciliation period.</summary>
    internal const int ReconciliationBatch = 2000;

    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly ApiVersion[] _log = new ApiVersion[ChangeLogCapacity];
    private readonly Dictionary<string, long> _expected = new(StringComparer.Ordinal);
    private long _epoch;
    private long _sequence;
    private ulong _checksum;
    private ApiCatalogView? _view;
    private string[]? _sweep;
    private int _swept;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _epoch = Random.Shared.NextInt64(1, long.MaxValue);
        await MoveLegacyListAsync();
        var buckets = await Task.WhenAll(Enumerable.Range(0, ApiCatalogBuckets.Count)
            .Select(i => GrainFactory.GetGrain<IApiCatalogBucketGrain>(i).GetAllAsync()));
        foreach (var (apiId, version) in buckets.SelectMany(b => b))
        {
            _versions[apiId] = version;
            _checksum ^= ApiCatalogChecksum.Of(apiId, version);
        }

        // Announcements of the previous activation are gone with it: ask every API once.
        _sweep = [.. _versions.Keys];
        this.RegisterGrainTimer(
            static (grain, _) => grain.ReconcileAsync(),
            this,
            new GrainTimerCreationOptions(ReconciliationPeriod, ReconciliationPeriod) { Interleave = true, KeepAlive = true });
    }

    /// <inheritdoc/>
    public Task ExpectChangeAsync(string apiId)
    {
        _expected[apiId] = Environment.TickCount64;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task SetAsync(string apiId, long version)
    {
        if (!_versions.TryGetValue(apiId, out var known) || known < version)
        {
            await Bucket(apiId).SetAsync(apiId, version);

            // Another call may have run during the write (this grain is reentrant).
            if (!_versions.TryGetValue(apiId, out known) || known < version)
            {
                if (_versions.ContainsKey(apiId))
                {
                    _checksum ^= ApiCatalogChecksum.Of(apiId, known);
                }

                _versions[apiId] = version;
                _checksum ^= ApiCatalogChecksum.Of(apiId, version);
                Append(apiId, version);
            }
        }

        _expected.Remove(apiId);
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(string apiId)
    {
        if (_versions.ContainsKey(apiId))
        {
            await Bucket(apiId).RemoveAsync(apiId);
            if (_versions.Remove(apiId, out var known))
            {
                _checksum ^= ApiCatalogChecksum.Of(apiId, known);
                Append(apiId, 0);
            }
        }

        _expected.Remove(apiId);
    }

    /// <inheritdoc/>
    public Task<ApiCatalogChanges?> GetChangesSinceAsync(long epoch, long sequence)
    {
        if (epoch == _epoch && sequence == _sequence)
        {
            return Task.FromResult<ApiCatalogChanges?>(null);
        }

        var oldest = Math.Max(1, _sequence - ChangeLogCapacity + 1);
        if (epoch == _epoch && sequence >= oldest - 1 && sequence < _sequence)
        {
            var changed = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var s = sequence + 1; s <= _sequence; s++)
            {
                var entry = _log[s % ChangeLogCapacity];
                changed[entry.ApiId] = entry.Version;
            }

            return Task.FromResult<ApiCatalogChanges?>(new ApiCatalogChanges(
                _epoch, _sequence, false, changed.Select(c => new ApiVersion(c.Key, c.Value)).ToList(), _checksum));
        }

        return Task.FromResult<ApiCatalogChanges?>(new ApiCatalogChanges(
            _epoch, _sequence, true, _versions.Select(v => new ApiVersion(v.Key, v.Value)).ToList(), _checksum));
    }

    /// <inheritdoc/>
    public Task<ApiCatalogView> GetAllAsync() => Task.FromResult(View());

    /// <inheritdoc/>
    public Task<ApiCatalogView?> GetChangesAsync(long knownGeneration) =>
        Task.FromResult(knownGeneration == Generation ? null : View());

    private long Generation => unchecked(_epoch + _sequence);

    private ApiCatalogView View() =>
        _view ??= new ApiCatalogView(Generation, new Dictionary<string, long>(_versions, StringComparer.Ordinal));

    private IApiCatalogBucketGrain Bucket(string apiId) => GrainFactory.GetGrain<IApiCatalogBucketGrain>(ApiCatalogBuckets.Of(apiId));

    private void Append(string apiId, long version)
    {
        _sequence++;
        _log[_sequence % ChangeLogCapacity] = new ApiVersion(apiId, version);
        _view = null;
    }

    /// <summary>Moves a list persisted by an earlier version (one record holding every API) into the buckets, once.</summary>
    private async Task MoveLegacyListAsync()
    {
        if (legacy.State.Versions.Count == 0)
        {
            return;
        }

        await Task.WhenAll(legacy.State.Versions
            .GroupBy(v => ApiCatalogBuckets.Of(v.Key))
            .Select(g => GrainFactory.GetGrain<IApiCatalogBucketGrain>(g.Key)
                .MergeAsync(g.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal))));
        LogMovedLegacyList(logger, legacy.State.Versions.Count);
        legacy.State = new ApiCatalogState();
        await legacy.WriteStateAsync();
    }

    private async Task ReconcileAsync()
    {
        var due = Environment.TickCount64 - (long)ReconciliationPeriod.TotalMilliseconds;

        // An API that announced a change and has not published it is asked to publish whatever it holds (-1).
        var asks = _expected.Where(e => e.Value <= due).Select(e => (ApiId: e.Key, Known: -1L)).Take(ReconciliationBatch).ToList();
        if (_sweep is { } sweep)
        {
            var take = Math.Min(ReconciliationBatch, sweep.Length - _swept);
            asks.AddRange(sweep.Skip(_swept).Take(take).Select(id => (id, _versions.GetValueOrDefault(id, -1))));
            _swept += take;
            if (_swept >= sweep.Length)
            {
                _sweep = null;
            }
        }

        await Task.WhenAll(asks.Select(async ask =>
        {
            try
            {
                await GrainFactory.GetGrain<IApiGrain>(ask.ApiId).EnsurePublishedAsync(ask.Known);
            }
            catch (Exception ex)
            {
                LogReconciliationFailed(logger, ask.ApiId, ex);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling API {ApiId} with the catalog failed; trying again next period")]
    private static partial void LogReconciliationFailed(ILogger logger, string apiId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved the API catalog ({Count} APIs) from its single record into buckets")]
    private static partial void LogMovedLegacyList(ILogger logger, int count);
}
