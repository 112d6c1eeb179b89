using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>Every row of the mode table (docs/modes.md), over real HTTP.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class SecurityModeTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task NoneMode_ServesEndpoints_WithoutCredential()
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        var (status, body, _) = await GetAsync(Client, $"/rcms-api/{apiId}/content/doc");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("world", body["hello"]!.GetValue<string>());
        Assert.Empty(body["errors"]!.AsArray());
        Assert.Empty(body["messages"]!.AsArray());
    }

    [Fact]
    public async Task StaticTokenMode_Refuses_WithoutToken()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var (status, body, _) = await GetAsync(Client, $"/rcms-api/{apiId}/content/doc");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", Code(body));
        Assert.Equal("Access Token is required", body["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task StaticTokenMode_Accepts_IssuedToken_InAnyHeaderCase()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var (_, value) = await Admin.IssueStaticTokenAsync(apiId);
        var (status, _, _) = await SendAsync(Client, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("x-rcms-api-access-token", value));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task StaticToken_IsRejected_OnAnotherApi()
    {
        var apiA = await Admin.CreateFullApiAsync("static_token");
        var apiB = await Admin.CreateFullApiAsync("static_token");
        var (_, value) = await Admin.IssueStaticTokenAsync(apiA);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiB}/content/doc", value)).Status);
    }

    [Fact]
    public async Task StaticTokenMode_TokenEndpoint_DescribesTheToken_WithoutEchoingIt()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var expiresAt = DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds();
        var (_, value) = await Admin.IssueStaticTokenAsync(apiId, "build server", expiresAt);

        var (status, body, response) = await PostAsync(Client, $"/rcms-api/{apiId}/token", token: value);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expiresAt, body["access_token"]!["expiresAt"]!.GetValue<long>());
        Assert.Equal("build server", body["memo"]!.GetValue<string>());
        Assert.Null(body["member_id"]);
        Assert.DoesNotContain(value, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StaticToken_BoundToMember_ActsAsThatMember()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var (memberId, email, _) = await Admin.RegisterMemberAsync();
        var (_, value) = await Admin.IssueStaticTokenAsync(apiId, memberId: memberId);

        var (status, body, _) = await GetAsync(Client, $"/rcms-api/{apiId}/profile", value);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(memberId, body["member_id"]!.GetValue<long>());
        Assert.Equal(email, body["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task DynamicMode_LoginThenToken_GivesAccess()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (memberId, email, password) = await Admin.RegisterMemberAsync(groups: ["editors"]);

        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password, login_save = 0 });
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal(0, login.Body["status"]!.GetValue<int>());
        Assert.Equal(memberId, login.Body["member_id"]!.GetValue<long>());
        Assert.InRange(login.Body["info"]!["validUntil"]!.GetValue<long>() - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 290, 301);

        var token = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = login.Body["grant_token"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.OK, token.Status);
        var access = token.Body["access_token"]!["value"]!.GetValue<string>();
        Assert.InRange(token.Body["access_token"]!["expiresAt"]!.GetValue<long>() - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3590, 3601);
        Assert.InRange(token.Body["refresh_token"]!["expiresAt"]!.GetValue<long>() - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 604790, 604801);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", access)).Status);
        var profile = await GetAsync(Client, $"/rcms-api/{apiId}/profile", access);
        Assert.Equal(email, profile.Body["email"]!.GetValue<string>());
        Assert.Equal("editors", profile.Body["groups"]![0]!.GetValue<string>());
        Assert.Equal("Test", profile.Body["name1"]!.GetValue<string>());
    }

    [Fact]
    public async Task DynamicMode_LoginOnApiA_GivesNothingOnApiB()
    {
        var apiA = await Admin.CreateFullApiAsync("dynamic_token");
        var apiB = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var login = await PostAsync(Client, $"/rcms-api/{apiA}/login", new { email, password });
        var grant = login.Body["grant_token"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiB}/token", new { grant_token = grant })).Status);
        var (access, refresh, _) = await LoginDynamicAsync(Client, apiA, email, password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiB}/content/doc", access)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiB}/token", new { grant_token = "", refresh_token = refresh })).Status);
    }

    [Fact]
    public async Task DynamicMode_GrantReuse_Fails_AndRevokesTokensIssuedFromIt()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (access, _, grant) = await LoginDynamicAsync(Client, apiId, email, password);

        var again = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = grant });

        Assert.Equal(HttpStatusCode.Unauthorized, again.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", access)).Status);
    }

    [Fact]
    public async Task DynamicMode_Refresh_ReturnsANewAccessToken_AndKeepsTheRefreshToken()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (_, refresh, _) = await LoginDynamicAsync(Client, apiId, email, password);

        var refreshed = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "", refresh_token = refresh });

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Null(refreshed.Body["refresh_token"]);
        var access = refreshed.Body["access_token"]!["value"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", access)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "", refresh_token = refresh })).Status);
    }

    [Fact]
    public async Task DynamicMode_WithRotation_RefreshTokenPresentedTwiceAtOnce_GivesBothTabsAPair()
    {
        // Reuse after the 10 s leeway revokes the whole login: MemberSessionBoundsTests, on a fake clock.
        var apiId = await Admin.CreateFullApiAsync("dynamic_token", tokenSettings: new { rotate_refresh_token = true });
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (_, refresh, _) = await LoginDynamicAsync(Client, apiId, email, password);
        var rotated = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "", refresh_token = refresh });
        var newAccess = rotated.Body["access_token"]!["value"]!.GetValue<string>();
        Assert.NotNull(rotated.Body["refresh_token"]);

        var secondTab = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "", refresh_token = refresh });

        Assert.Equal(HttpStatusCode.OK, secondTab.Status);
        Assert.NotNull(secondTab.Body["refresh_token"]);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", newAccess)).Status);
    }

    [Fact]
    public async Task DynamicMode_Logout_EndsTheSessionOnTheServer()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (access, refresh, _) = await LoginDynamicAsync(Client, apiId, email, password);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/logout", token: access)).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", access)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "", refresh_token = refresh })).Status);
    }

    [Fact]
    public async Task WrongPassword_UnknownEmail_AndLockedMember_GetTheSameAnswer()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (memberId, email, password) = await Admin.RegisterMemberAsync();
        var wrong = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "not-the-password" });
        var unknown = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = "nobody-" + email, password });
        for (var i = 0; i < 5; i++)
        {
            await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "not-the-password" });
        }

        var locked = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });

        Assert.All([wrong, unknown, locked], r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.Equal(wrong.Body.ToJsonString(), unknown.Body.ToJsonString());
        Assert.Equal(wrong.Body.ToJsonString(), locked.Body.ToJsonString());
        var member = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{memberId}");
        Assert.True(member["locked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Lockout_AfterFiveFailures_IsClearedByAdminUnlock()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (memberId, email, password) = await Admin.RegisterMemberAsync();
        for (var i = 0; i < 4; i++)
        {
            await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "bad-password" });
        }

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
        for (var i = 0; i < 5; i++)
        {
            await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "bad-password" });
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
        await Admin.OkJsonAsync(HttpMethod.Post, $"/admin/members/{memberId}/unlock");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
    }

    [Fact]
    public async Task CookieMode_Login_SetsAnHttpOnlySessionCookie_SharedByEveryCookieApi()
    {
        var apiA = await Admin.CreateFullApiAsync("cookie");
        var apiB = await Admin.CreateFullApiAsync("cookie");
        var apiDynamic = await Admin.CreateFullApiAsync("dynamic_token");
        var (memberId, email, password) = await Admin.RegisterMemberAsync();

        var login = await PostAsync(Client, $"/rcms-api/{apiA}/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal(memberId, login.Body["member_id"]!.GetValue<long>());
        Assert.Null(login.Body["grant_token"]);
        var setCookie = Assert.Single(login.Response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("rcms_api_access_token=", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = CookieHeader([setCookie]);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiA}/content/doc")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiA}/content/doc", cookie: cookie)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiB}/content/doc", cookie: cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiDynamic}/content/doc", cookie: cookie)).Status);
        var profile = await GetAsync(Client, $"/rcms-api/{apiB}/profile", cookie: cookie);
        Assert.Equal(memberId, profile.Body["member_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task CookieMode_Logout_EndsTheServerSession_AndExpiresTheCookies()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (cookie, _) = await LoginCookieAsync(Client, apiId, email, password, loginSave: 1);

        var logout = await PostAsync(Client, $"/rcms-api/{apiId}/logout", cookie: cookie);

        Assert.Equal(HttpStatusCode.OK, logout.Status);
        var expired = logout.Response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(expired, c => c.StartsWith("rcms_api_access_token=;", StringComparison.Ordinal) && c.Contains("max-age=0", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(expired, c => c.StartsWith("rcms_api_refresh_token=;", StringComparison.Ordinal) && c.Contains("max-age=0", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", cookie: cookie)).Status);
    }

    [Fact]
    public async Task AdminRevocation_AndMemberDeletion_EndSessionsAtOnce()
    {
        var cookieApi = await Admin.CreateFullApiAsync("cookie");
        var dynamicApi = await Admin.CreateFullApiAsync("dynamic_token");
        var staticApi = await Admin.CreateFullApiAsync("static_token");
        var (memberId, email, password) = await Admin.RegisterMemberAsync();
        var (cookie, _) = await LoginCookieAsync(Client, cookieApi, email, password);
        var (access, _, _) = await LoginDynamicAsync(Client, dynamicApi, email, password);
        var sessions = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{memberId}/sessions");
        Assert.Equal(2, sessions["sessions"]!.AsArray().Count);

        using (var revoke = await Admin.SendAsync(HttpMethod.Delete, $"/admin/members/{memberId}/sessions"))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{cookieApi}/content/doc", cookie: cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{dynamicApi}/content/doc", access)).Status);

        (access, _, _) = await LoginDynamicAsync(Client, dynamicApi, email, password);
        var (_, bound) = await Admin.IssueStaticTokenAsync(staticApi, memberId: memberId);
        using (var delete = await Admin.SendAsync(HttpMethod.Delete, $"/admin/members/{memberId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{dynamicApi}/content/doc", access)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{staticApi}/content/doc", bound)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{dynamicApi}/login", new { email, password })).Status);
    }
}
