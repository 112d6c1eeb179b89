using Orleans.Storage;

namespace ApiSecurity.Grains.Security;

/// <summary>
/// This process's copy of the cluster's token keys (one per silo and per web front, a singleton
/// service). Loaded from <see cref="ITokenKeyGrain"/> on first use and refreshed in the background
/// every <see cref="RefreshPeriod"/>; in between, signing and checking tokens need no grain call. An
/// unknown key id in a token never triggers a load, so forged tokens cannot make this process call the cluster.
/// </summary>
public sealed class TokenKeyRing(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How often the keys are reloaded (a rotation is picked up within this).</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromMinutes(1);

    private const int LoadAttempts = 3;
    private readonly Lock _lock = new();
    private volatile Loaded? _loaded;
    private Task<Loaded>? _firstLoad;
    private int _refreshing;

    /// <summary>The current keys: at once when loaded, otherwise after one call to the key grain.</summary>
    public ValueTask<TokenMac> GetAsync()
    {
        if (_loaded is { } loaded)
        {
            if (time.GetUtcNow() >= loaded.RefreshAt)
            {
                RefreshInBackground();
            }

            return ValueTask.FromResult(loaded.Mac);
        }

        return LoadFirstAsync();
    }

    private async ValueTask<TokenMac> LoadFirstAsync()
    {
        Task<Loaded> load;
        lock (_lock)
        {
            // Every caller waits on one load; a failed one is dropped so the next caller tries again.
            if (_firstLoad is null || _firstLoad.IsFaulted || _firstLoad.IsCanceled)
            {
                _firstLoad = Task.Run(LoadAsync);
            }

            load = _firstLoad;
        }

        var loaded = await load;
        _loaded ??= loaded;
        return _loaded.Mac;
    }

    private void RefreshInBackground()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                _loaded = await LoadAsync();
            }
            catch (Exception)
            {
                // The cluster is unreachable: keep the keys we have (they do not expire) and try again next period.
                if (_loaded is { } stale)
                {
                    _loaded = stale with { RefreshAt = time.GetUtcNow() + RefreshPeriod };
                }
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    private async Task<Loaded> LoadAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var keys = await grains.GetGrain<ITokenKeyGrain>(0).GetKeysAsync();
                return Build(keys);
            }
            catch (InconsistentStateException) when (attempt < LoadAttempts)
            {
                // Two activations raced to create the first key (possible right after a silo failure); the stored one wins.
            }
        }
    }

    private Loaded Build(TokenKeySet keys)
    {
        var now = time.GetUtcNow();
        var signing = keys.SigningKey(now.ToUnixTimeSeconds());
        var refreshAt = now + RefreshPeriod;
        // A key waiting to sign takes over on time even between two refreshes.
        foreach (var key in keys.Keys)
        {
            var from = DateTimeOffset.FromUnixTimeSeconds(key.SignsFrom);
            if (from > now && from < refreshAt)
            {
                refreshAt = from;
            }
        }

        return new Loaded(new TokenMac(keys.Keys, signing.Id), refreshAt);
    }

    private sealed record Loaded(TokenMac Mac, DateTimeOffset RefreshAt);
}
