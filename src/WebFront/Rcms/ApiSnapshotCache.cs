using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Rcms;

/// <summary>
/// The front-end's copy of every API it serves. A background loop polls the API catalog every
/// <see cref="PollInterval"/> with the sequence number it last saw and receives only the ids of the APIs that
/// changed since (nothing when nothing did; the whole list only after the catalog moved or when this front-end
/// fell further behind than the catalog's change log). It reloads only the snapshots it holds whose version moved,
/// so a change costs each front-end one small answer and one snapshot, whatever the number of APIs, and reaches it
/// within <see cref="PollInterval"/> plus one grain call. Changes made through this front-end's admin API are applied
/// at once. Its copy of the list is verified against the catalog's checksum on every answer (a mismatch asks for the
/// whole list), and an API whose reload failed is reloaded on the next poll. <see cref="SinceHeard"/> tells how long
/// ago the cluster last answered a poll in full: beyond a limit a snapshot may hold a revoked credential (see
/// <c>Pipeline/StalenessStep</c>).
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

    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(30);

    // Read by the API id as a slice of the request path, so a request makes no string of it.
    private readonly ConcurrentDictionary<string, CompiledApi>.AlternateLookup<ReadOnlySpan<char>> _apisByText =
        new ConcurrentDictionary<string, CompiledApi>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    private readonly ConcurrentDictionary<string, long> _catalog = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reload = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _polling = new(1, 1);
    private readonly TaskCompletionSource _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _epoch;
    private long _sequence;
    private ulong _checksum;

    // Environment.TickCount64 at the start of the last poll that succeeded in full; starts at creation,
    // so a front-end gets the same grace at start-up as after its last contact.
    private long _heardAt = Environment.TickCount64;

    /// <summary>How long ago (milliseconds) this front-end last completed a poll of the cluster: a volatile read, cheap enough for every request.</summary>
    public long SinceHeard => Environment.TickCount64 - Volatile.Read(ref _heardAt);

    private ConcurrentDictionary<string, CompiledApi> Apis => _apisByText.Dictionary;

    /// <summary>The API when this front holds its current snapshot (no grain call, no allocation); else use <see cref="GetAsync"/>.</summary>
    public bool TryGetLoaded(ReadOnlySpan<char> apiId, [MaybeNullWhen(false)] out CompiledApi api) => _apisByText.TryGetValue(apiId, out api);

    /// <summary>The API, or null when it does not exist. Makes a grain call only on first use after a change.</summary>
    public async ValueTask<CompiledApi?> GetAsync(string apiId)
    {
        if (Apis.TryGetValue(apiId, out var api))
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
            Apis.TryRemove(apiId, out _);
            return null;
        }

        var compiled = CompiledApi.Compile(snapshot);
        if (compiled.IpRestrictionErrors.Count > 0)
        {
            LogUnreadableIpRestriction(logger, apiId, string.Join("; ", compiled.IpRestrictionErrors));
        }

        if (compiled.SettingsErrors.Count > 0)
        {
            LogRefusedSettings(logger, apiId, compiled.Version, string.Join("; ", compiled.SettingsErrors));
        }

        var kept = Apis.AddOrUpdate(apiId, compiled, (_, current) => current.Version >= compiled.Version ? current : compiled);

        // A poll may have learnt of a newer version while this snapshot was on its way, and found nothing to reload
        // then: the next poll reloads it. (The poll writes the list, then reads the snapshots; this writes the
        // snapshots, then reads the list: one of the two sees the other.)
        Interlocked.MemoryBarrier();
        if (_catalog.TryGetValue(apiId, out var version) && version > kept.Version)
        {
            _reload.TryAdd(apiId, 0);
        }

        return kept;
    }

    /// <summary>Polls the catalog now and applies what changed.</summary>
    public async Task PollAsync()
    {
        await _polling.WaitAsync();
        try
        {
            await PollOnceAsync();
        }
        finally
        {
            _polling.Release();
        }
    }

    private async Task PollOnceAsync()
    {
        var startedAt = Environment.TickCount64;
        var changes = await grains.GetGrain<IApiCatalogGrain>(0).GetChangesSinceAsync(_epoch, _sequence).WaitAsync(CallTimeout);
        if (changes is not null)
        {
            Apply(changes);
        }

        // Reloads that failed on an earlier poll are tried again; any failure leaves this poll incomplete.
        if (!_reload.IsEmpty)
        {
            var failures = 0;
            await Task.WhenAll(_reload.Keys.Select(async apiId =>
            {
                try
                {
                    _reload.TryRemove(apiId, out _);
                    await RefreshAsync(apiId);
                }
                catch (Exception ex)
                {
                    _reload.TryAdd(apiId, 0);
                    Interlocked.Increment(ref failures);
                    LogReloadFailed(logger, apiId, ex);
                }
            }));
            if (failures > 0)
            {
                throw new InvalidOperationException($"{failures} API snapshot(s) could not be reloaded; serving the last known ones and trying again");
            }
        }

        Volatile.Write(ref _heardAt, startedAt);
        _firstPoll.TrySetResult();
    }

    /// <summary>Applies an answer of the catalog to the copy of the list, and marks for reload the snapshots held here that it made stale.</summary>
    private void Apply(ApiCatalogChanges changes)
    {
        if (changes.Complete)
        {
            var listed = new HashSet<string>(changes.Changes.Count, StringComparer.Ordinal);
            foreach (var (apiId, _) in changes.Changes)
            {
                listed.Add(apiId);
            }

            foreach (var apiId in _catalog.Keys)
            {
                if (!listed.Contains(apiId))
                {
                    Set(apiId, 0);
                }
            }
        }

        foreach (var (apiId, version) in changes.Changes)
        {
            Set(apiId, version);
        }

        _epoch = changes.Epoch;
        _sequence = changes.Sequence;
        if (_checksum != changes.Checksum)
        {
            // Cannot happen unless an answer was lost or misapplied; the whole list sets it right on the next poll.
            LogChecksumMismatch(logger);
            _epoch = 0;
        }
    }

    private void Set(string apiId, long version)
    {
        if (_catalog.TryGetValue(apiId, out var known))
        {
            if (known == version)
            {
                return;
            }

            _checksum ^= ApiCatalogChecksum.Of(apiId, known);
        }

        if (version > 0)
        {
            _catalog[apiId] = version;
            _checksum ^= ApiCatalogChecksum.Of(apiId, version);
        }
        else
        {
            _catalog.TryRemove(apiId, out _);
        }

        Interlocked.MemoryBarrier();
        if (Apis.TryGetValue(apiId, out var held) && (version <= 0 || held.Version < version))
        {
            _reload.TryAdd(apiId, 0);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "API {ApiId} version {Version} has endpoint settings that do not pass validation ({Errors}); the defaults apply instead of the refused values")]
    private static partial void LogRefusedSettings(ILogger logger, string apiId, long version, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading API {ApiId} failed; serving its last known snapshot and trying again on the next poll")]
    private static partial void LogReloadFailed(ILogger logger, string apiId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This front-end's copy of the API catalog does not match the catalog's checksum; asking for the whole list")]
    private static partial void LogChecksumMismatch(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the API catalog failed; serving the last known snapshots")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
