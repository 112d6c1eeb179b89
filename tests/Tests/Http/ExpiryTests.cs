using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Expiry and idle timeouts over real HTTP (docs/modes.md): the web front and its grains read a fake clock that
/// each test moves past the deadline, so nothing here waits on the wall clock.
/// </summary>
[Collection(FakeTimeWebFrontCollection.Name)]
public sealed class ExpiryTests(FakeTimeWebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task StaticToken_IsRejected_OnceRevoked_OrExpired()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var (id, value) = await Admin.IssueStaticTokenAsync(apiId);
        var (_, soon) = await Admin.IssueStaticTokenAsync(apiId, expiresAt: fixture.Time.GetUtcNow().ToUnixTimeSeconds() + 2);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", value)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", soon)).Status);

        using var revoke = await Admin.SendAsync(HttpMethod.Delete, $"/admin/apis/{apiId}/static-tokens/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        fixture.Time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", value)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", soon)).Status);
    }

    [Fact]
    public async Task DynamicMode_ShortAccessTokenLifespan_IsEnforced()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token", tokenSettings: new { access_token_lifespan = 1, use_refresh_token = false });
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (access, refresh, _) = await LoginDynamicAsync(Client, apiId, email, password);
        Assert.Null(refresh);
        fixture.Time.Advance(TimeSpan.FromSeconds(2.1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", access)).Status);
    }

    [Fact]
    public async Task CookieMode_LoginSave_RestoresTheSession_AfterIdleTimeout()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie", loginSettings: new { session_idle_timeout = 1 });
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (cookie, setCookies) = await LoginCookieAsync(Client, apiId, email, password, loginSave: 1);
        Assert.Contains(setCookies, c => c.StartsWith("rcms_api_refresh_token=", StringComparison.Ordinal));
        var sessionOnly = cookie.Split("; ").First(c => c.StartsWith("rcms_api_access_token=", StringComparison.Ordinal));
        fixture.Time.Advance(TimeSpan.FromSeconds(2.1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", cookie: sessionOnly)).Status);
        var restored = await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", cookie: cookie);
        Assert.Equal(HttpStatusCode.OK, restored.Status);
        var reissued = restored.Response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(reissued, c => c.StartsWith("rcms_api_access_token=", StringComparison.Ordinal));

        // Each restore replaces the auto-login cookie too: the new pair works on its own.
        var replacement = reissued.Single(c => c.StartsWith("rcms_api_refresh_token=", StringComparison.Ordinal)).Split(';')[0];
        Assert.DoesNotContain(replacement, cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", cookie: CookieHeader(reissued))).Status);
    }
}
