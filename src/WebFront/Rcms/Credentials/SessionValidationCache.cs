using System.Collections.Concurrent;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using Microsoft.Extensions.Options;

namespace ApiSecurity.WebFront.Rcms.Credentials;

/// <summary>Settings of <see cref="SessionValidationCache"/> (section <c>Security:SessionCache</c>).</summary>
public sealed class SessionCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Security:SessionCache";

    /// <summary>
    /// How long this web front trusts a positive validation before asking the session grain again;
    /// zero asks on every request. It bounds how late a revocation made through another web front is honoured here.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most entries kept; beyond it new validations are not cached.</summary>
    public int MaxEntries { get; set; } = 200_000;
}

/// <summary>
/// A short-lived memory of positive session validations (dynamic access tokens and cookie sessions)
/// on one web front, so a busy session costs one grain call per <see cref="SessionCacheOptions.Duration"/>
/// rather than one per request. Keys are the token's MAC (<see cref="TokenMac"/>), never the secret: a
/// token only reaches the cache after its MAC was checked, and nobody without the cluster's key can make
/// another secret with the same MAC, so the MAC names the token as well as a hash of its secret would,
/// without hashing the secret again on every request. An entry never
/// outlives its token, and a logout or revocation made through this web front drops the member's
/// entries at once (a per-member epoch read before the grain call, so a validation racing a
/// revocation is not cached); one made through another web front is honoured within the duration.
/// The epochs live in a fixed table indexed by member id (members sharing a slot forget each other's
/// entries too, which costs a grain call, never correctness), so nothing a client sends can make it grow.
/// </summary>
public sealed class SessionValidationCache
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    // 65,536 slots: 256 KB whatever happens, and a logout drops 1/65,536 of the other members' entries.
    private const int EpochSlots = 1 << 16;
    private readonly int[] _epochs = new int[EpochSlots];
    private readonly TimeProvider _time;
    private readonly long _durationTicks;
    private readonly int _maxEntries;
    private long _nextSweep;
    private int _sweeping;

    public SessionValidationCache(IOptions<SessionCacheOptions> options, TimeProvider time)
    {
        _time = time;
        var duration = options.Value.Duration;
        _durationTicks = duration <= TimeSpan.Zero ? 0 : (long)(duration.TotalSeconds * time.TimestampFrequency);
        _maxEntries = options.Value.MaxEntries;
    }

    /// <summary>False when the duration is zero: every request asks the grain.</summary>
    public bool Enabled => _durationTicks > 0;

    /// <summary>How many validations are remembered now.</summary>
    public int Count => _entries.Count;

    /// <summary>The cache key of a token whose MAC <see cref="TokenMac.TryRead"/> has accepted.</summary>
    public static Key KeyOf(in SessionToken token, TokenKind kind, string? scope) =>
        new(token.MemberId, token.KeyId, token.Mac, kind, scope);

    /// <summary>The member's current epoch; read it before asking the grain and pass it to <see cref="Remember"/>.</summary>
    public int EpochOf(long memberId) => Volatile.Read(ref _epochs[Slot(memberId)]);

    /// <summary>The login id of a remembered, still valid validation, else null.</summary>
    public string? Recall(in Key key)
    {
        if (!Enabled || !_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Until <= _time.GetTimestamp() || entry.Epoch != EpochOf(key.MemberId))
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            return null;
        }

        return entry.LoginId;
    }

    /// <summary>Remembers a positive validation until the duration passes or the token ends, whichever is first.</summary>
    public void Remember(in Key key, SessionCheck check, int epoch)
    {
        if (!Enabled)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var secondsLeft = check.ValidUntil - _time.GetUtcNow().ToUnixTimeSeconds();
        if (secondsLeft <= 0)
        {
            return;
        }

        var until = now + Math.Min(_durationTicks, secondsLeft * _time.TimestampFrequency);
        SweepIfDue(now);
        if (_entries.Count < _maxEntries)
        {
            _entries[key] = new Entry(check.LoginId, until, epoch);
        }
    }

    /// <summary>Drops every remembered validation of a member (logout, revocation, deletion through this web front).</summary>
    public void Forget(long memberId) => Interlocked.Increment(ref _epochs[Slot(memberId)]);

    private static int Slot(long memberId) => (int)((ulong)memberId % EpochSlots);

    private void SweepIfDue(long now)
    {
        if (now < Volatile.Read(ref _nextSweep) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Until <= now)
                {
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
                }
            }

            Volatile.Write(ref _nextSweep, now + Math.Max(_durationTicks, _time.TimestampFrequency) * 4);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>A token's identity in the cache: member, key id and MAC of the token, kind and API scope.</summary>
    public readonly record struct Key(long MemberId, byte KeyId, UInt128 Mac, TokenKind Kind, string? Scope);

    private sealed record Entry(string LoginId, long Until, int Epoch);
}
