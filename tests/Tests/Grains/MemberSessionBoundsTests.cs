using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Grains;

/// <summary>Bounds on a member's session state, rotation leeway and auto-login replacement, on a cluster with a fake clock.</summary>
[Collection(FakeTimeClusterCollection.Name)]
public sealed class MemberSessionBoundsTests(FakeTimeClusterFixture fixture)
{
    private static readonly TokenPolicy Default = new(3600, 604800, UseRefreshToken: true, RotateRefreshToken: false);
    private static readonly TokenPolicy Rotating = Default with { RotateRefreshToken = true };
    private static readonly CookiePolicy Cookies = new(IdleTimeout: 1800, Lifetime: 86400, LoginSaveLifetime: 30 * 86400);
    private static long _nextMember = 2_000_000;

    private IMemberSessionGrain NewMember() => fixture.Grains.GetGrain<IMemberSessionGrain>(Interlocked.Increment(ref _nextMember));

    private static string Secret(IssuedToken token)
    {
        Assert.True(SessionToken.TryParse(token.Value, out var parsed));
        return parsed.Secret;
    }

    private static async Task<TokenExchange> LoginAsync(IMemberSessionGrain sessions, TokenPolicy policy)
    {
        var grant = await sessions.IssueGrantAsync("s", "a", 300, null);
        return (await sessions.RedeemGrantAsync("s", Secret(grant.Grant), policy))!;
    }

    [Fact]
    public async Task Login_KeepsAtMostTenAccessTokens_AndDropsTheOldestFirst()
    {
        var sessions = NewMember();
        var pair = await LoginAsync(sessions, Default);
        var accessTokens = new List<IssuedToken> { pair.AccessToken };

        for (var i = 0; i < 10; i++)
        {
            accessTokens.Add((await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Default))!.AccessToken);
        }

        Assert.Null(await sessions.ValidateAccessAsync("s", Secret(accessTokens[0])));
        foreach (var access in accessTokens.Skip(1))
        {
            Assert.NotNull(await sessions.ValidateAccessAsync("s", Secret(access)));
        }
    }

    [Fact]
    public async Task ManyRefreshes_OfOneNonRotatingToken_LeaveOnlyTheLastTenAccessTokens()
    {
        var sessions = NewMember();
        var pair = await LoginAsync(sessions, Default);
        TokenExchange? last = null;
        var first = (await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Default))!;

        for (var i = 0; i < 300; i++)
        {
            last = await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Default);
        }

        Assert.Null(await sessions.ValidateAccessAsync("s", Secret(first.AccessToken)));
        Assert.NotNull(await sessions.ValidateAccessAsync("s", Secret(last!.AccessToken)));
        Assert.Single(await sessions.ListAsync());
    }

    [Fact]
    public async Task Member_KeepsAtMost200Logins_AndDropsTheOldest()
    {
        var sessions = NewMember();
        var grants = new List<GrantIssue>();
        for (var i = 0; i < 201; i++)
        {
            grants.Add(await sessions.IssueGrantAsync("s", "a", 300, null));
        }

        Assert.Equal(200, (await sessions.ListAsync()).Count);
        Assert.Null(await sessions.RedeemGrantAsync("s", Secret(grants[0].Grant), Default));
        Assert.NotNull(await sessions.RedeemGrantAsync("s", Secret(grants[^1].Grant), Default));
        Assert.NotNull(await sessions.RedeemGrantAsync("s", Secret(grants[1].Grant), Default));
    }

    [Fact]
    public async Task RotatedRefreshToken_PresentedAgainWithinTenSeconds_GetsANewPair_AndRevokesNothing()
    {
        var sessions = NewMember();
        var pair = await LoginAsync(sessions, Rotating);
        var firstTab = (await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Rotating))!;

        fixture.Time.Advance(TimeSpan.FromSeconds(9));
        var secondTab = await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Rotating);

        Assert.NotNull(secondTab?.RefreshToken);
        Assert.NotNull(await sessions.ValidateAccessAsync("s", Secret(firstTab.AccessToken)));
        Assert.NotNull(await sessions.ValidateAccessAsync("s", Secret(secondTab.AccessToken)));
        Assert.NotNull(await sessions.RefreshAsync("s", Secret(firstTab.RefreshToken!), Rotating));
        Assert.NotNull(await sessions.RefreshAsync("s", Secret(secondTab.RefreshToken!), Rotating));
    }

    [Fact]
    public async Task RotatedRefreshToken_PresentedAgainAfterTenSeconds_RevokesTheWholeLogin()
    {
        var sessions = NewMember();
        var pair = await LoginAsync(sessions, Rotating);
        var rotated = (await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Rotating))!;

        fixture.Time.Advance(TimeSpan.FromSeconds(11));

        Assert.Null(await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Rotating));
        Assert.Null(await sessions.ValidateAccessAsync("s", Secret(rotated.AccessToken)));
        Assert.Null(await sessions.RefreshAsync("s", Secret(rotated.RefreshToken!), Rotating));
    }

    [Fact]
    public async Task RotatedRefreshToken_ReplayedManyTimesWithinTheLeeway_CannotGrowTheLoginsTokens()
    {
        var sessions = NewMember();
        var pair = await LoginAsync(sessions, Rotating);
        var refreshTokens = new List<IssuedToken>();

        for (var i = 0; i < 30; i++)
        {
            refreshTokens.Add((await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Rotating))!.RefreshToken!);
        }

        Assert.Null(await sessions.RefreshAsync("s", Secret(refreshTokens[0]), Rotating));
        Assert.NotNull(await sessions.RefreshAsync("s", Secret(refreshTokens[^1]), Rotating));
    }

    [Fact]
    public async Task AutoLoginRestore_ReplacesTheAutoLoginTokenAndTheSession()
    {
        var sessions = NewMember();
        var login = await sessions.StartCookieSessionAsync(Cookies, loginSave: true, "a", null);

        var restored = await sessions.RestoreCookieSessionAsync(Secret(login.AutoLogin!), Cookies);

        Assert.NotNull(restored?.AutoLogin);
        Assert.NotEqual(login.AutoLogin!.Value, restored.AutoLogin.Value);
        Assert.Equal(login.AutoLogin.ExpiresAt, restored.AutoLogin.ExpiresAt);
        Assert.Null(await sessions.ValidateCookieAsync(Secret(login.Session)));
        Assert.Equal(login.LoginId, (await sessions.ValidateCookieAsync(Secret(restored.Session)))?.LoginId);
        Assert.NotNull(await sessions.RestoreCookieSessionAsync(Secret(restored.AutoLogin), Cookies));
    }

    [Fact]
    public async Task ReplacedAutoLoginToken_PresentedAgainAfterTenSeconds_RevokesTheLogin()
    {
        var sessions = NewMember();
        var login = await sessions.StartCookieSessionAsync(Cookies, loginSave: true, "a", null);
        var restored = (await sessions.RestoreCookieSessionAsync(Secret(login.AutoLogin!), Cookies))!;

        fixture.Time.Advance(TimeSpan.FromSeconds(11));

        Assert.Null(await sessions.RestoreCookieSessionAsync(Secret(login.AutoLogin!), Cookies));
        Assert.Null(await sessions.ValidateCookieAsync(Secret(restored.Session)));
        Assert.Null(await sessions.RestoreCookieSessionAsync(Secret(restored.AutoLogin!), Cookies));
        Assert.Empty(await sessions.ListAsync());
    }

    [Fact]
    public async Task ReplacedAutoLoginToken_PresentedAgainWithinTenSeconds_RestoresWithoutRevoking()
    {
        var sessions = NewMember();
        var login = await sessions.StartCookieSessionAsync(Cookies, loginSave: true, "a", null);
        var firstTab = (await sessions.RestoreCookieSessionAsync(Secret(login.AutoLogin!), Cookies))!;

        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var secondTab = await sessions.RestoreCookieSessionAsync(Secret(login.AutoLogin!), Cookies);

        Assert.NotNull(secondTab?.AutoLogin);
        Assert.NotNull(await sessions.ValidateCookieAsync(Secret(secondTab.Session)));
        Assert.NotNull(await sessions.RestoreCookieSessionAsync(Secret(firstTab.AutoLogin!), Cookies));
    }

    [Fact]
    public async Task ManyRestores_KeepOneSessionPerLogin()
    {
        var sessions = NewMember();
        var login = await sessions.StartCookieSessionAsync(Cookies, loginSave: true, "a", null);
        var current = login;
        var sessionsSeen = new List<IssuedToken>();

        for (var i = 0; i < 50; i++)
        {
            current = (await sessions.RestoreCookieSessionAsync(Secret(current.AutoLogin!), Cookies))!;
            sessionsSeen.Add(current.Session);
        }

        Assert.Single(await sessions.ListAsync());
        foreach (var replaced in sessionsSeen.SkipLast(1))
        {
            Assert.Null(await sessions.ValidateCookieAsync(Secret(replaced)));
        }

        Assert.NotNull(await sessions.ValidateCookieAsync(Secret(sessionsSeen[^1])));
    }

    [Fact]
    public async Task ExpiredGrant_IsRejected()
    {
        var sessions = NewMember();
        var grant = await sessions.IssueGrantAsync("s", "a", 1, null);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Null(await sessions.RedeemGrantAsync("s", Secret(grant.Grant), Default));
    }

    [Fact]
    public async Task CookieSession_EndsAfterIdleTimeout_AndAutoLoginRestoresIt()
    {
        var sessions = NewMember();
        var policy = new CookiePolicy(IdleTimeout: 60, Lifetime: 86400, LoginSaveLifetime: 86400);
        var cookie = await sessions.StartCookieSessionAsync(policy, loginSave: true, "a", null);

        fixture.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(await sessions.ValidateCookieAsync(Secret(cookie.Session)));
        var restored = await sessions.RestoreCookieSessionAsync(Secret(cookie.AutoLogin!), policy);
        Assert.NotNull(restored);
        Assert.Equal(cookie.LoginId, (await sessions.ValidateCookieAsync(Secret(restored.Session)))?.LoginId);
    }

    [Fact]
    public async Task TokenKeys_AreCreatedOnce_AndARotatedKeySignsOnlyAfterFrontsHadTimeToLoadIt()
    {
        var keys = fixture.Grains.GetGrain<ITokenKeyGrain>(0);
        var before = await keys.GetKeysAsync();
        Assert.Equal(before.Keys.Single().Material, (await keys.GetKeysAsync()).Keys.Single().Material);

        var rotated = await keys.RotateAsync();
        var now = fixture.Time.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(2, rotated.Keys.Count);
        Assert.Equal(before.Keys[0].Id, rotated.SigningKey(now).Id);
        Assert.NotEqual(before.Keys[0].Id, rotated.SigningKey(now + (long)TokenKeyGrain.SigningDelay.TotalSeconds).Id);
    }
}
