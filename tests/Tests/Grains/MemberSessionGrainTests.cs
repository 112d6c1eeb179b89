using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class MemberSessionGrainTests(ClusterFixture fixture)
{
    private static readonly TokenPolicy Default = new(3600, 604800, UseRefreshToken: true, RotateRefreshToken: false);
    private static long _nextMember = 1_000_000;

    private IMemberSessionGrain NewMember() => fixture.Grains.GetGrain<IMemberSessionGrain>(Interlocked.Increment(ref _nextMember));

    private static string Secret(IssuedToken token)
    {
        Assert.True(SessionToken.TryParse(token.Value, out var parsed));
        return parsed.Secret;
    }

    [Fact]
    public async Task Grant_ExchangesOnce_AndReuseRevokesEverythingIssuedFromIt()
    {
        var sessions = NewMember();
        var grant = await sessions.IssueGrantAsync("api-a#1", "api-a", 300, "127.0.0.1");
        var pair = await sessions.RedeemGrantAsync("api-a#1", Secret(grant.Grant), Default);
        Assert.NotNull(pair);
        Assert.NotNull(await sessions.ValidateAccessAsync("api-a#1", Secret(pair.AccessToken)));

        Assert.Null(await sessions.RedeemGrantAsync("api-a#1", Secret(grant.Grant), Default));

        Assert.Null(await sessions.ValidateAccessAsync("api-a#1", Secret(pair.AccessToken)));
        Assert.Null(await sessions.RefreshAsync("api-a#1", Secret(pair.RefreshToken!), Default));
    }

    [Fact]
    public async Task Tokens_AreBoundToTheApiThatIssuedThem()
    {
        var sessions = NewMember();
        var grant = await sessions.IssueGrantAsync("api-a#1", "api-a", 300, null);
        Assert.Null(await sessions.RedeemGrantAsync("api-b#1", Secret(grant.Grant), Default));
        var pair = await sessions.RedeemGrantAsync("api-a#1", Secret(grant.Grant), Default);

        Assert.Null(await sessions.ValidateAccessAsync("api-b#1", Secret(pair!.AccessToken)));
        Assert.Null(await sessions.ValidateAccessAsync("api-a#2", Secret(pair.AccessToken)));
        Assert.NotNull(await sessions.ValidateAccessAsync("api-a#1", Secret(pair.AccessToken)));
    }

    [Fact]
    public async Task Refresh_WithoutRotation_ReturnsOnlyANewAccessToken_AndCanBeRepeated()
    {
        var sessions = NewMember();
        var grant = await sessions.IssueGrantAsync("s", "a", 300, null);
        var pair = await sessions.RedeemGrantAsync("s", Secret(grant.Grant), Default);

        var first = await sessions.RefreshAsync("s", Secret(pair!.RefreshToken!), Default);
        var second = await sessions.RefreshAsync("s", Secret(pair.RefreshToken!), Default);

        Assert.Null(first!.RefreshToken);
        Assert.NotNull(second);
        Assert.NotNull(await sessions.ValidateAccessAsync("s", Secret(first.AccessToken)));
    }

    [Fact]
    public async Task CookieSession_IsValid_UntilLogout()
    {
        var sessions = NewMember();
        var cookie = await sessions.StartCookieSessionAsync(new CookiePolicy(1800, 86400, 86400), loginSave: false, "a", null);
        Assert.Equal(cookie.LoginId, (await sessions.ValidateCookieAsync(Secret(cookie.Session)))?.LoginId);

        Assert.True(await sessions.LogoutAsync(Secret(cookie.Session)));

        Assert.Null(await sessions.ValidateCookieAsync(Secret(cookie.Session)));
    }

    [Fact]
    public async Task TokenOfOneKind_IsNotAcceptedAsAnother()
    {
        var sessions = NewMember();
        var grant = await sessions.IssueGrantAsync("s", "a", 300, null);
        Assert.Null(await sessions.ValidateAccessAsync("s", Secret(grant.Grant)));
        var pair = await sessions.RedeemGrantAsync("s", Secret(grant.Grant), Default);
        Assert.Null(await sessions.ValidateCookieAsync(Secret(pair!.AccessToken)));
        Assert.Null(await sessions.RefreshAsync("s", Secret(pair.AccessToken), Default));
    }

    [Fact]
    public async Task AdminRevocation_EndsOneLoginOrAll()
    {
        var sessions = NewMember();
        var a = await sessions.StartCookieSessionAsync(new CookiePolicy(1800, 86400, 86400), false, "a", null);
        var b = await sessions.StartCookieSessionAsync(new CookiePolicy(1800, 86400, 86400), false, "a", null);
        Assert.Equal(2, (await sessions.ListAsync()).Count);

        Assert.True(await sessions.RevokeAsync(a.LoginId));
        Assert.Null(await sessions.ValidateCookieAsync(Secret(a.Session)));
        Assert.NotNull(await sessions.ValidateCookieAsync(Secret(b.Session)));

        Assert.Equal(1, await sessions.RevokeAllAsync());
        Assert.Null(await sessions.ValidateCookieAsync(Secret(b.Session)));
    }

    [Fact]
    public async Task TokensIssuedByTheCluster_CarryAMacUnderTheStoredClusterKey()
    {
        var sessions = NewMember();
        var ring = new TokenKeyRing(fixture.Grains, TimeProvider.System);
        var grant = await sessions.IssueGrantAsync("s", "a", 300, null);
        var pair = await sessions.RedeemGrantAsync("s", Secret(grant.Grant), Default);
        var mac = await ring.GetAsync();

        Assert.True(mac.TryRead(grant.Grant.Value, out _));
        Assert.True(mac.TryRead(pair!.AccessToken.Value, out _));
        Assert.True(mac.TryRead(pair.RefreshToken!.Value, out _));
        Assert.False(mac.TryRead(grant.Grant.Value[..^2] + (grant.Grant.Value[^2] == 'A' ? "B" : "A") + grant.Grant.Value[^1], out _));
    }
}
