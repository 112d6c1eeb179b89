using Orleans.Storage;

namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// Retries a writing grain call once when it failed on a storage version conflict. During a silo
/// failure Orleans can briefly run two activations of one grain; the stale one's write fails with
/// <see cref="InconsistentStateException"/>, Orleans deactivates it, and the retry reaches a fresh
/// activation that has read the latest state. Nothing of the failed attempt was stored.
/// </summary>
public static class StateConflict
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs <paramref name="call"/>, once more after a version conflict.</summary>
    public static async Task<T> RetryOnceAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InconsistentStateException)
        {
            await Task.Delay(RetryDelay);
            return await call();
        }
    }
}
