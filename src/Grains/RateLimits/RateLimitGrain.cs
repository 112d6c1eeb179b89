using Orleans.Concurrency;

namespace ApiSecurity.Grains.RateLimits;

/// <summary>The outcome of one request against a rate limit.</summary>
/// <param name="Allowed">False when the window's limit was already reached.</param>
/// <param name="Remaining">Requests left in the window after this one.</param>
/// <param name="ResetAt">When the window ends (Unix seconds).</param>
[GenerateSerializer, Immutable, Alias("RateLimitDecision")]
public sealed record RateLimitDecision([property: Id(0)] bool Allowed, [property: Id(1)] int Remaining, [property: Id(2)] long ResetAt);

/// <summary>
/// One rate-limit counter for the whole cluster (key: API scope, endpoint and client key), so every web
/// front counts against the same window. Fixed windows aligned on the clock; the count lives in memory
/// only: a silo failure forgets the current window's count, which errs on the side of availability.
/// </summary>
[Alias("IRateLimitGrain")]
public interface IRateLimitGrain : IGrainWithStringKey
{
    /// <summary>Counts one request against <paramref name="limit"/> per <paramref name="windowSeconds"/>.</summary>
    [Alias("Hit")]
    Task<RateLimitDecision> HitAsync(int limit, int windowSeconds);
}

/// <inheritdoc cref="IRateLimitGrain"/>
[GrainType("rate-limit"), CollectionAgeLimit(Minutes = 61)]
public sealed class RateLimitGrain(TimeProvider time) : Grain, IRateLimitGrain
{
    private long _windowStart = -1;
    private int _count;

    /// <inheritdoc/>
    public Task<RateLimitDecision> HitAsync(int limit, int windowSeconds)
    {
        windowSeconds = Math.Max(1, windowSeconds);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var start = now - (now % windowSeconds);
        if (start != _windowStart)
        {
            _windowStart = start;
            _count = 0;
        }

        var allowed = _count < limit;
        if (allowed)
        {
            _count++;
        }

        return Task.FromResult(new RateLimitDecision(allowed, Math.Max(0, limit - _count), start + windowSeconds));
    }
}
