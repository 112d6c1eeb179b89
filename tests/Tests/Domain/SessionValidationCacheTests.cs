using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiSecurity.Tests.Domain;

public sealed class SessionValidationCacheTests
{
    private static readonly TokenMac Mac = new([TokenKey.Create(1, 0, 0)], 1);

    // Token texts as clients present them (the cache only ever stores texts whose MAC and session were checked).
    private static readonly string Seven = Mac.Create(7).ToString();
    private static readonly string Nine = Mac.Create(9).ToString();

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    [Fact]
    public void Remembers_a_validation_for_the_configured_duration_only()
    {
        var cache = Create(TimeSpan.FromMilliseconds(500));
        var key = Key(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        Assert.Equal("login-1", LoginOf(cache, key));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal("login-1", LoginOf(cache, key));
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Null(LoginOf(cache, key));
    }

    [Fact]
    public void Never_outlives_the_token()
    {
        var cache = Create(TimeSpan.FromSeconds(30));
        var key = Key(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 1), cache.EpochOf(7));

        Assert.Equal("login-1", LoginOf(cache, key));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(LoginOf(cache, key));

        cache.Remember(key, 7, new SessionCheck("login-1", Now), cache.EpochOf(7));
        Assert.Null(LoginOf(cache, key));
    }

    [Fact]
    public void Keys_differ_by_token_text_kind_and_scope()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var key = Key(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        Assert.Null(LoginOf(cache, Key(Mac.Create(8).ToString(), TokenKind.Access, "scope-a")));
        Assert.Null(LoginOf(cache, Key(Mac.Create(7).ToString(), TokenKind.Access, "scope-a")));
        Assert.Null(LoginOf(cache, Key(Seven, TokenKind.CookieSession, "scope-a")));
        Assert.Null(LoginOf(cache, Key(Seven, TokenKind.Access, "scope-b")));
        Assert.Equal("login-1", LoginOf(cache, Key(Seven, TokenKind.Access, "scope-a")));
    }

    [Fact]
    public void Forget_drops_the_members_entries_and_a_validation_that_raced_it()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var key = Key(Seven, TokenKind.CookieSession, null);
        var other = Key(Nine, TokenKind.CookieSession, null);
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        cache.Remember(other, 9, new SessionCheck("login-9", Now + 3600), cache.EpochOf(9));

        var epochBeforeRevocation = cache.EpochOf(7);
        cache.Forget(7);
        Assert.Null(LoginOf(cache, key));
        Assert.Equal("login-9", LoginOf(cache, other));

        // A grain answer obtained before the revocation arrives after it: it must not be trusted.
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), epochBeforeRevocation);
        Assert.Null(LoginOf(cache, key));

        cache.Remember(key, 7, new SessionCheck("login-2", Now + 3600), cache.EpochOf(7));
        Assert.Equal("login-2", LoginOf(cache, key));
    }

    [Fact]
    public void Forgetting_any_number_of_members_uses_a_fixed_table_and_never_keeps_a_stale_answer()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var key = Key(Seven, TokenKind.Access, "s");
        var epoch = cache.EpochOf(7);

        // Refused or foreign input cannot grow it: a member id only selects one of a fixed number of slots.
        for (long member = 1_000_000; member < 1_200_000; member++)
        {
            cache.Forget(member);
        }

        // A member sharing member 7's slot was forgotten: an answer read before that is not trusted.
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), epoch);
        Assert.Null(LoginOf(cache, key));
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        Assert.Equal("login-1", LoginOf(cache, key));
    }

    [Fact]
    public void Ended_entries_leave_on_a_timer_even_when_nothing_else_happens()
    {
        var cache = Create(TimeSpan.FromMilliseconds(500));
        cache.Remember(Key(Seven, TokenKind.Access, "scope-a"), 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        Assert.Equal(1, cache.Count);

        // No further call: the sweep timer (every 2 s here) drops what has ended.
        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_zero_duration_disables_it()
    {
        var cache = Create(TimeSpan.Zero);
        var key = Key(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        Assert.False(cache.Enabled);
        Assert.Null(LoginOf(cache, key));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Stops_growing_at_its_limit_and_sweeps_expired_entries()
    {
        var cache = new SessionValidationCache(Options.Create(new SessionCacheOptions { Duration = TimeSpan.FromSeconds(1), MaxEntries = 10 }), _time);
        for (var i = 0; i < 25; i++)
        {
            cache.Remember(Key(Mac.Create(i).ToString(), TokenKind.Access, "s"), i, new SessionCheck("l", Now + 3600), cache.EpochOf(i));
        }

        Assert.Equal(10, cache.Count);
        _time.Advance(TimeSpan.FromSeconds(5));
        cache.Remember(Key(Mac.Create(100).ToString(), TokenKind.Access, "s"), 100, new SessionCheck("l", Now + 3600), cache.EpochOf(100));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_text_given_as_a_slice_of_a_header_finds_the_entry_of_the_same_text_and_returns_its_key()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var key = Key(Seven, TokenKind.CookieSession, null);
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        var header = $"theme=dark; rcms_api_access_token={Seven}; lang=ja";
        var start = header.IndexOf(Seven, StringComparison.Ordinal);

        var slice = header.AsSpan(start, Seven.Length);
        Assert.Equal("login-1", cache.Recall(slice, TokenKind.CookieSession, null, out var found, out _)?.LoginId);
        Assert.Equal(key, found);
        Assert.Same(Seven, found.Presented); // the remembered key's own text, for the renewal to use

        // One character more or less, another kind or another scope is another credential.
        Assert.Null(cache.Recall(header.AsSpan(start, Seven.Length - 1), TokenKind.CookieSession, null, out var none, out _));
        Assert.Equal(default, none);
        Assert.Null(cache.Recall(header.AsSpan(start, Seven.Length + 1), TokenKind.CookieSession, null, out _, out _));
        Assert.Null(cache.Recall(slice, TokenKind.Access, null, out _, out _));
        Assert.Null(cache.Recall(slice, TokenKind.CookieSession, "scope-a", out _, out _));
        Assert.Null(cache.Recall(new string('a', SessionToken.MaxLength + 1), TokenKind.CookieSession, null, out _, out _));
    }

    [Fact]
    public void Answers_with_the_member_and_login_and_ignores_text_longer_than_any_token()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var caller = cache.Remember(Key(Seven, TokenKind.CookieSession, null), 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        Assert.Equal(new RcmsCaller(7, "login-1", null), caller);
        Assert.Same(caller, cache.Recall(Key(Seven, TokenKind.CookieSession, null)));
        Assert.Null(SessionValidationCache.KeyOf(new string('a', SessionToken.MaxLength + 1), TokenKind.CookieSession, null));
    }

    [Fact]
    public void In_its_last_fifth_an_entry_asks_exactly_one_request_to_have_it_confirmed()
    {
        var cache = Create(TimeSpan.FromMilliseconds(500));
        var key = Key(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        _time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.NotNull(cache.Recall(key, out var early));
        Assert.False(early);

        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.NotNull(cache.Recall(key, out var first));
        Assert.NotNull(cache.Recall(key, out var second));
        Assert.True(first);
        Assert.False(second);

        // The grain's answer (made by the request asked) renews the entry for a whole duration from now.
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        _time.Advance(TimeSpan.FromMilliseconds(450));
        Assert.Equal("login-1", LoginOf(cache, key));
        Assert.NotNull(cache.Recall(key, out var again));
        Assert.True(again);
    }

    [Fact]
    public void An_answer_is_trusted_from_when_the_grain_was_asked_not_from_when_it_arrived()
    {
        var cache = Create(TimeSpan.FromMilliseconds(500));
        var key = Key(Seven, TokenKind.Access, "scope-a");
        var askedAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(300)); // a slow grain

        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7), askedAt);
        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Equal("login-1", LoginOf(cache, key));
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Null(LoginOf(cache, key));

        // An answer slower than the whole duration is used by its request but not remembered.
        askedAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.NotNull(cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7), askedAt));
        Assert.Null(LoginOf(cache, key));
    }

    [Fact]
    public void A_confirmation_that_finds_the_session_ended_drops_the_entry_at_once()
    {
        var cache = Create(TimeSpan.FromMilliseconds(500));
        var key = Key(Seven, TokenKind.Access, "scope-a");
        var other = Key(Nine, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        cache.Remember(other, 9, new SessionCheck("login-2", Now + 3600), cache.EpochOf(9));

        cache.Drop(key);

        Assert.Null(LoginOf(cache, key));
        Assert.Equal("login-2", LoginOf(cache, other));
    }

    [Fact]
    public void A_confirmation_racing_a_revocation_here_is_not_kept()
    {
        var cache = Create(TimeSpan.FromMilliseconds(500));
        var key = Key(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        _time.Advance(TimeSpan.FromMilliseconds(450));
        Assert.NotNull(cache.Recall(key, out var refresh));
        Assert.True(refresh);

        // The background check reads the epoch, a logout through this front happens while it waits for the grain,
        // then the grain's (older) positive answer arrives.
        var epoch = cache.EpochOf(7);
        cache.Forget(7);
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), epoch);

        Assert.Null(LoginOf(cache, key));
    }

    [Fact]
    public void A_full_cache_still_renews_the_entries_it_holds()
    {
        var cache = new SessionValidationCache(Options.Create(new SessionCacheOptions { Duration = TimeSpan.FromMilliseconds(500), MaxEntries = 1 }), _time);
        var key = Key(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        _time.Advance(TimeSpan.FromMilliseconds(450));

        cache.Remember(key, 7, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        cache.Remember(Key(Nine, TokenKind.Access, "scope-a"), 9, new SessionCheck("login-2", Now + 3600), cache.EpochOf(9));
        _time.Advance(TimeSpan.FromMilliseconds(450));

        Assert.Equal("login-1", LoginOf(cache, key));
        Assert.Equal(1, cache.Count);
    }

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    private static SessionValidationCache.Key Key(string presented, TokenKind kind, string? scope) =>
        SessionValidationCache.KeyOf(presented, kind, scope)!.Value;

    private static string? LoginOf(SessionValidationCache cache, SessionValidationCache.Key key) => cache.Recall(key)?.LoginId;

    private SessionValidationCache Create(TimeSpan duration) =>
        new(Options.Create(new SessionCacheOptions { Duration = duration }), _time);
}
