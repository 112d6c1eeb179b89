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
/// rather than one per request, made in the background by one request in the entry's last fifth
/// (<see cref="Recall(in Key, out bool)"/>), so the answer is renewed before it ends. An entry is keyed
/// by the credential exactly as the client presented it (with its kind and API scope), and is only made
/// after that text passed the MAC check
/// (<see cref="TokenMac"/>) and the session grain's check; a request carrying the same text within the
/// duration is answered from here, without parsing the token or computing its MAC again. Text that was
/// never validated is never stored, so forged tokens cannot fill it, and the dictionary hashes strings
/// with a per-process random seed, so chosen keys cannot collide on purpose. A token has exactly one
/// spelling (<see cref="SessionToken.TryParse"/>), so one token cannot take more than one entry. The
/// presented text is the bearer credential itself, already in the process's memory as part of the request;
/// a sweep every two durations (at least every 2 s), on a timer so it also runs on an idle front, drops
/// the entries that have ended. An entry never
/// outlives its token, and a logout or revocation made through this web front drops the member's
/// entries at once (a per-member epoch read before the grain call, so a validation racing a
/// revocation is not cached); one made through another web front is honoured within the duration.
/// The epochs live in a fixed table indexed by member id (members sharing a slot forget each other's
/// entries too, which costs a grain call, never correctness), so nothing a client sends can make it grow.
/// </summary>
public sealed class SessionValidationCache : IDisposable
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new(KeyComparer.Instance);
    // Looks an entry up by the presented text as a slice of the request (a cookie inside the Cookie header), without copying it.
    private readonly ConcurrentDictionary<Key, Entry>.AlternateLookup<TextKey> _byText;
    // 65,536 slots: 256 KB whatever happens, and a logout drops 1/65,536 of the other members' entries.
    private const int EpochSlots = 1 << 16;
    private readonly int[] _epochs = new int[EpochSlots];
    private readonly TimeProvider _time;
    private readonly long _durationTicks;
    private readonly int _maxEntries;
    private readonly ITimer? _sweeper;
    private int _sweeping;
    private long _remembered;

    public SessionValidationCache(IOptions<SessionCacheOptions> options, TimeProvider time)
    {
        _byText = _entries.GetAlternateLookup<TextKey>();
        _time = time;
        var duration = options.Value.Duration;
        _durationTicks = duration <= TimeSpan.Zero ? 0 : (long)(duration.TotalSeconds * time.TimestampFrequency);
        _maxEntries = options.Value.MaxEntries;
        if (_durationTicks > 0)
        {
            var period = SweepPeriod(duration);
            _sweeper = time.CreateTimer(static state => ((SessionValidationCache)state!).Sweep(), this, period, period);
        }
    }

    /// <summary>False when the duration is zero: every request asks the grain.</summary>
    public bool Enabled => _durationTicks > 0;

    /// <summary>How many validations are remembered now.</summary>
    public int Count => _entries.Count;

    /// <summary>How many validations have been remembered since the start (tests: a forged token never is).</summary>
    internal long RememberedTotal => Interlocked.Read(ref _remembered);

    /// <summary>
    /// The cache key of a presented credential; null when the text is longer than any token (never hashed nor stored).
    /// </summary>
    public static Key? KeyOf(string presented, TokenKind kind, string? scope) =>
        presented.Length <= SessionToken.MaxLength ? new Key(presented, kind, scope) : null;

    /// <summary>The member's current epoch; read it before asking the grain and pass it to <see cref="Remember"/>.</summary>
    public int EpochOf(long memberId) => Volatile.Read(ref _epochs[Slot(memberId)]);

    /// <summary>The caller of a remembered, still valid validation, else null (asks no request to renew it).</summary>
    public RcmsCaller? Recall(in Key key) => Recall(new TextKey(key.Presented, key.Kind, key.Scope), claimRefresh: false, out _, out _);

    /// <summary>
    /// The caller of a remembered, still valid validation, else null. <paramref name="refresh"/> is true for the
    /// one request that finds the entry in the last fifth of its duration: that request has the session grain
    /// confirm the token again in the background (<see cref="Remember"/> or <see cref="Drop"/> with the answer),
    /// while it and the others go on with the remembered answer until the entry ends. A session in steady use
    /// thus costs one grain call per duration, and no request waits for it; without this, every request that
    /// arrived between the entry's end and the grain's answer asked the grain too.
    /// </summary>
    public RcmsCaller? Recall(in Key key, out bool refresh) =>
        Recall(new TextKey(key.Presented, key.Kind, key.Scope), claimRefresh: true, out _, out refresh);

    /// <summary>
    /// <see cref="Recall(in Key, out bool)"/> for a credential given as a slice of the request, with the entry's own
    /// key (its text as a string) in <paramref name="key"/> when one is remembered.
    /// </summary>
    public RcmsCaller? Recall(ReadOnlySpan<char> presented, TokenKind kind, string? scope, out Key key, out bool refresh) =>
        Recall(new TextKey(presented, kind, scope), claimRefresh: true, out key, out refresh);

    private RcmsCaller? Recall(TextKey text, bool claimRefresh, out Key key, out bool refresh)
    {
        refresh = false;
        if (!Enabled || text.Presented.Length > SessionToken.MaxLength || !_byText.TryGetValue(text, out key, out var entry))
        {
            key = default;
            return null;
        }

        var now = _time.GetTimestamp();
        if (entry.Until <= now || entry.Epoch != EpochOf(entry.Caller.MemberId!.Value))
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            return null;
        }

        refresh = claimRefresh && now >= entry.RefreshFrom && entry.ClaimRefresh();
        return entry.Caller;
    }

    /// <summary>
    /// Remembers a positive validation of <paramref name="key"/>'s text, a token of <paramref name="memberId"/>
    /// whose MAC was checked, until the duration passes or the token ends, whichever is first (nothing when the
    /// cache is disabled); returns its caller. The duration counts from <paramref name="askedAt"/> (a
    /// <see cref="TimeProvider.GetTimestamp"/> taken before the grain was asked; now when not given), so an answer
    /// that took long to arrive is not trusted for longer than one that came at once.
    /// </summary>
    public RcmsCaller Remember(in Key key, long memberId, SessionCheck check, int epoch, long? askedAt = null)
    {
        var caller = new RcmsCaller(memberId, check.LoginId, null);
        if (!Enabled)
        {
            return caller;
        }

        var now = _time.GetTimestamp();
        var secondsLeft = check.ValidUntil - _time.GetUtcNow().ToUnixTimeSeconds();
        if (secondsLeft <= 0)
        {
            return caller;
        }

        var lifetime = Math.Min(_durationTicks, secondsLeft * _time.TimestampFrequency);
        var until = Math.Min(askedAt ?? now, now) + lifetime;
        if (until > now && (_entries.Count < _maxEntries || _entries.ContainsKey(key)))
        {
            _entries[key] = new Entry(caller, until, until - lifetime / 5, epoch);
            Interlocked.Increment(ref _remembered);
        }

        return caller;
    }

    /// <summary>Drops one remembered validation (its background check found the session ended).</summary>
    public void Drop(in Key key) => _entries.TryRemove(key, out _);

    /// <summary>Drops every remembered validation of a member (logout, revocation, deletion through this web front).</summary>
    public void Forget(long memberId) => Interlocked.Increment(ref _epochs[Slot(memberId)]);

    private static int Slot(long memberId) => (int)((ulong)memberId % EpochSlots);

    /// <summary>Stops the sweep timer.</summary>
    public void Dispose() => _sweeper?.Dispose();

    private static TimeSpan SweepPeriod(TimeSpan duration) => TimeSpan.FromTicks(Math.Max(duration.Ticks, TimeSpan.TicksPerSecond) * 2);

    // On the timer only; the guard skips a tick that overlaps a slow previous one.
    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            foreach (var (key, entry) in _entries)
            {
                if (entry.Until <= now)
                {
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>A credential's identity in the cache: its text as presented, its kind and the API scope.</summary>
    public readonly record struct Key(string Presented, TokenKind Kind, string? Scope);

    // A key whose text is a slice of something else; hashes and compares like the Key of the same text.
    private readonly ref struct TextKey(ReadOnlySpan<char> presented, TokenKind kind, string? scope)
    {
        public ReadOnlySpan<char> Presented { get; } = presented;

        public TokenKind Kind { get; } = kind;

        public string? Scope { get; } = scope;
    }

    // String hashing keeps the process's random seed (string.GetHashCode of a span hashes like the string).
    private sealed class KeyComparer : IEqualityComparer<Key>, IAlternateEqualityComparer<TextKey, Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) => x.Kind == y.Kind && string.Equals(x.Presented, y.Presented) && string.Equals(x.Scope, y.Scope);

        public int GetHashCode(Key key) => Hash(key.Presented, key.Kind, key.Scope);

        public bool Equals(TextKey alternate, Key other) =>
            alternate.Kind == other.Kind && alternate.Presented.SequenceEqual(other.Presented) && string.Equals(alternate.Scope, other.Scope);

        public int GetHashCode(TextKey alternate) => Hash(alternate.Presented, alternate.Kind, alternate.Scope);

        public Key Create(TextKey alternate) => new(alternate.Presented.ToString(), alternate.Kind, alternate.Scope);

        private static int Hash(ReadOnlySpan<char> presented, TokenKind kind, string? scope) =>
            HashCode.Combine(string.GetHashCode(presented), kind, scope is null ? 0 : string.GetHashCode(scope.AsSpan()));
    }

    // The caller is made once per validation and handed to every request the entry answers.
    private sealed class Entry(RcmsCaller caller, long until, long refreshFrom, int epoch)
    {
        private int _refreshClaimed;

        public RcmsCaller Caller { get; } = caller;

        public long Until { get; } = until;

        public long RefreshFrom { get; } = refreshFrom;

        public int Epoch { get; } = epoch;

        // True once: to the request that will have the grain confirm the entry.
        public bool ClaimRefresh() => Interlocked.Exchange(ref _refreshClaimed, 1) == 0;
    }
}
