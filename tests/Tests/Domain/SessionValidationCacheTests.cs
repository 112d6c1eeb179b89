using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiSecurity.Tests.Domain;

public sealed class SessionValidationCacheTests
{
    private static readonly TokenMac Mac = new([TokenKey.Create(1, 0, 0)], 1);

    // Tokens as a front-end sees them once their MAC has been checked.
    private static readonly SessionToken Seven = Mac.Create(7);
    private static readonly SessionToken Nine = Mac.Create(9);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    [Fact]
    public void Remembers_a_validation_for_the_configured_duration_only()
    {
        var cache = Create(TimeSpan.FromMilliseconds(500));
        var key = SessionValidationCache.KeyOf(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        Assert.Equal("login-1", cache.Recall(key));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal("login-1", cache.Recall(key));
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Null(cache.Recall(key));
    }

    [Fact]
    public void Never_outlives_the_token()
    {
        var cache = Create(TimeSpan.FromSeconds(30));
        var key = SessionValidationCache.KeyOf(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, new SessionCheck("login-1", Now + 1), cache.EpochOf(7));

        Assert.Equal("login-1", cache.Recall(key));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(cache.Recall(key));

        cache.Remember(key, new SessionCheck("login-1", Now), cache.EpochOf(7));
        Assert.Null(cache.Recall(key));
    }

    [Fact]
    public void Keys_differ_by_member_token_kind_and_scope()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var key = SessionValidationCache.KeyOf(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        Assert.Null(cache.Recall(SessionValidationCache.KeyOf(Mac.Create(8), TokenKind.Access, "scope-a")));
        Assert.Null(cache.Recall(SessionValidationCache.KeyOf(Mac.Create(7), TokenKind.Access, "scope-a")));
        Assert.Null(cache.Recall(SessionValidationCache.KeyOf(Seven, TokenKind.CookieSession, "scope-a")));
        Assert.Null(cache.Recall(SessionValidationCache.KeyOf(Seven, TokenKind.Access, "scope-b")));
        Assert.Equal("login-1", cache.Recall(SessionValidationCache.KeyOf(Seven, TokenKind.Access, "scope-a")));
    }

    [Fact]
    public void Forget_drops_the_members_entries_and_a_validation_that_raced_it()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var key = SessionValidationCache.KeyOf(Seven, TokenKind.CookieSession, null);
        var other = SessionValidationCache.KeyOf(Nine, TokenKind.CookieSession, null);
        cache.Remember(key, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        cache.Remember(other, new SessionCheck("login-9", Now + 3600), cache.EpochOf(9));

        var epochBeforeRevocation = cache.EpochOf(7);
        cache.Forget(7);
        Assert.Null(cache.Recall(key));
        Assert.Equal("login-9", cache.Recall(other));

        // A grain answer obtained before the revocation arrives after it: it must not be trusted.
        cache.Remember(key, new SessionCheck("login-1", Now + 3600), epochBeforeRevocation);
        Assert.Null(cache.Recall(key));

        cache.Remember(key, new SessionCheck("login-2", Now + 3600), cache.EpochOf(7));
        Assert.Equal("login-2", cache.Recall(key));
    }

    [Fact]
    public void Forgetting_any_number_of_members_uses_a_fixed_table_and_never_keeps_a_stale_answer()
    {
        var cache = Create(TimeSpan.FromSeconds(1));
        var key = SessionValidationCache.KeyOf(Seven, TokenKind.Access, "s");
        var epoch = cache.EpochOf(7);

        // Refused or foreign input cannot grow it: a member id only selects one of a fixed number of slots.
        for (long member = 1_000_000; member < 1_200_000; member++)
        {
            cache.Forget(member);
        }

        // A member sharing member 7's slot was forgotten: an answer read before that is not trusted.
        cache.Remember(key, new SessionCheck("login-1", Now + 3600), epoch);
        Assert.Null(cache.Recall(key));
        cache.Remember(key, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));
        Assert.Equal("login-1", cache.Recall(key));
    }

    [Fact]
    public void A_zero_duration_disables_it()
    {
        var cache = Create(TimeSpan.Zero);
        var key = SessionValidationCache.KeyOf(Seven, TokenKind.Access, "scope-a");
        cache.Remember(key, new SessionCheck("login-1", Now + 3600), cache.EpochOf(7));

        Assert.False(cache.Enabled);
        Assert.Null(cache.Recall(key));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Stops_growing_at_its_limit_and_sweeps_expired_entries()
    {
        var cache = new SessionValidationCache(Options.Create(new SessionCacheOptions { Duration = TimeSpan.FromSeconds(1), MaxEntries = 10 }), _time);
        for (var i = 0; i < 25; i++)
        {
            cache.Remember(SessionValidationCache.KeyOf(Mac.Create(i), TokenKind.Access, "s"), new SessionCheck("l", Now + 3600), cache.EpochOf(i));
        }

        Assert.Equal(10, cache.Count);
        _time.Advance(TimeSpan.FromSeconds(5));
        cache.Remember(SessionValidationCache.KeyOf(Mac.Create(100), TokenKind.Access, "s"), new SessionCheck("l", Now + 3600), cache.EpochOf(100));
        Assert.Equal(1, cache.Count);
    }

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    private SessionValidationCache Create(TimeSpan duration) =>
        new(Options.Create(new SessionCacheOptions { Duration = duration }), _time);
}
