using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Http;

/// <summary>Named administrators and their roles, over real HTTP against the shipped web front.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class AdminRolesTests(WebFrontFixture fixture)
{
    /// <summary>Every changing admin route with the permission it needs (ids need not exist: the role is checked first).</summary>
    public static TheoryData<string, string, string> ChangingRoutes => new()
    {
        { "PUT", "/admin/apis/x", "apis:write" },
        { "DELETE", "/admin/apis/x", "apis:write" },
        { "PUT", "/admin/apis/x/security", "apis:write" },
        { "PUT", "/admin/apis/x/cors", "apis:write" },
        { "POST", "/admin/apis/x/endpoints", "apis:write" },
        { "PUT", "/admin/apis/x/endpoints/1", "apis:write" },
        { "DELETE", "/admin/apis/x/endpoints/1", "apis:write" },
        { "POST", "/admin/apis/x/static-tokens", "apis:write" },
        { "DELETE", "/admin/apis/x/static-tokens/t", "apis:write" },
        { "POST", "/admin/members", "members:write" },
        { "DELETE", "/admin/members/1", "members:write" },
        { "POST", "/admin/members/1/unlock", "members:write" },
        { "DELETE", "/admin/members/1/sessions", "members:write" },
        { "DELETE", "/admin/members/1/sessions/s", "members:write" },
        { "POST", "/admin/members/1/mfa", "members:write" },
        { "POST", "/admin/admins", "admins:write" },
        { "DELETE", "/admin/admins/0123456789abcdef", "admins:write" },
        { "POST", "/admin/admins/0123456789abcdef/tokens", "admins:write" },
        { "DELETE", "/admin/admins/0123456789abcdef/tokens/t", "admins:write" },

        // Malformed ids: the same role check before the answer about the id.
        { "PUT", "/admin/apis/bad%20id", "apis:write" },
        { "DELETE", "/admin/apis/x/endpoints/abc", "apis:write" },
        { "DELETE", "/admin/members/abc", "members:write" },
        { "POST", "/admin/members/0/mfa", "members:write" },
        { "DELETE", "/admin/admins/not-an-admin-id", "admins:write" },
    };

    /// <summary>Every read route.</summary>
    public static TheoryData<string> ReadRoutes => new()
    {
        "/admin/apis", "/admin/members", "/admin/static-tokens/expiring", "/admin/admins", "/admin/audit", "/admin/audit/verify",
    };

    [Theory]
    [MemberData(nameof(ChangingRoutes))]
    public async Task Viewer_IsRefusedEveryChange_WithTheMissingPermissionNamed(string method, string path, string permission)
    {
        // Given a viewer
        using var viewer = await ClientForNewAdminAsync("viewer");

        // When it calls a changing route
        using var response = await SendJsonAsync(viewer, method, path, "{}");

        // Then it gets 403 naming the permission
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(permission, problem["permission"]!.GetValue<string>());
        Assert.Equal("viewer", problem["role"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(ChangingRoutes))]
    public async Task Operator_ChangesMembersAndSessionsOnly(string method, string path, string permission)
    {
        // Given an operator
        using var op = await ClientForNewAdminAsync("operator");

        // When it calls a changing route
        using var response = await SendJsonAsync(op, method, path, "{}");

        // Then members:write routes pass the role check (they answer 4xx about the missing member instead), the rest are 403
        if (permission == "members:write")
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(permission, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["permission"]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(ReadRoutes))]
    public async Task Viewer_ReadsEverything(string path)
    {
        using var viewer = await ClientForNewAdminAsync("viewer");
        using var response = await viewer.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Operator_UnlocksAMember_ButCannotChangeSecurity()
    {
        // Given an API and a member, and an operator
        var apiId = Admin.UniqueId("roles");
        await fixture.Admin.CreateApiAsync(apiId);
        var (memberId, _, _) = await fixture.Admin.RegisterMemberAsync();
        using var op = await ClientForNewAdminAsync("operator");

        // When the operator unlocks the member and tries to switch the API's security
        using var unlock = await SendJsonAsync(op, "POST", $"/admin/members/{memberId}/unlock", null);
        using var security = await SendJsonAsync(op, "PUT", $"/admin/apis/{apiId}/security", """{"mode":"static_token"}""");

        // Then the unlock succeeds, the security change is refused and nothing changed
        Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, security.StatusCode);
        Assert.Equal("apis:write", JsonNode.Parse(await security.Content.ReadAsStringAsync())!["permission"]!.GetValue<string>());
        var api = await fixture.Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.Equal("none", api["security"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeletingAnAdmin_StopsItsTokenAtOnce()
    {
        // Given an administrator whose token works
        var (adminId, token) = await NewAdminAsync("admin");
        using var client = ClientWith(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/apis")).StatusCode);

        // When it is deleted
        using var deleted = await fixture.Admin.SendAsync(HttpMethod.Delete, $"/admin/admins/{adminId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // Then the very next call with its token is refused, and it is gone from the list
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/admin/apis")).StatusCode);
        var list = await fixture.Admin.OkJsonAsync(HttpMethod.Get, "/admin/admins");
        Assert.DoesNotContain(list["admins"]!.AsArray(), a => a!["admin_id"]!.GetValue<string>() == adminId);
    }

    [Fact]
    public async Task RevokingAToken_StopsIt_WhileTheAdminsOtherTokenStillWorks()
    {
        // Given an administrator with two tokens
        var (adminId, first) = await NewAdminAsync("viewer");
        var second = await fixture.Admin.OkJsonAsync(HttpMethod.Post, $"/admin/admins/{adminId}/tokens", new { });
        using var firstClient = ClientWith(first);
        using var secondClient = ClientWith(second["value"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await firstClient.GetAsync("/admin/apis")).StatusCode);

        // When the first is revoked
        var tokens = await fixture.Admin.OkJsonAsync(HttpMethod.Get, $"/admin/admins/{adminId}/tokens");
        var firstId = tokens["tokens"]!.AsArray().Select(t => t!["token_id"]!.GetValue<string>()).First(id => id != second["token_id"]!.GetValue<string>());
        Assert.DoesNotContain(tokens.ToJsonString(), first, StringComparison.Ordinal);
        using var revoked = await fixture.Admin.SendAsync(HttpMethod.Delete, $"/admin/admins/{adminId}/tokens/{firstId}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        // Then it stops at once and the second still works
        Assert.Equal(HttpStatusCode.Unauthorized, (await firstClient.GetAsync("/admin/apis")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await secondClient.GetAsync("/admin/apis")).StatusCode);
    }

    [Fact]
    public async Task IssuingAToken_WithAPastExpiry_IsRefused()
    {
        var (adminId, _) = await NewAdminAsync("viewer");
        using var past = await fixture.Admin.SendAsync(HttpMethod.Post, $"/admin/admins/{adminId}/tokens",
            new { expires_at = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds() });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
    }

    [Fact]
    public async Task CreatingAnAdmin_RefusesAnUnknownRole_TheBootstrapName_AndADuplicateName()
    {
        var name = Admin.UniqueId("dup");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.SendAsync(HttpMethod.Post, "/admin/admins", new { name, role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.Admin.SendAsync(HttpMethod.Post, "/admin/admins", new { name, role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.Admin.SendAsync(HttpMethod.Post, "/admin/admins", new { name = "bootstrap", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Admin.SendAsync(HttpMethod.Post, "/admin/admins", new { name = Admin.UniqueId("r"), role = "root" })).StatusCode);
    }

    [Fact]
    public async Task SignIn_NamesTheAdministrator_AndItsPermissions()
    {
        var session = await fixture.Admin.OkJsonAsync(HttpMethod.Post, "/admin/session");
        Assert.Equal("bootstrap", session["name"]!.GetValue<string>());
        Assert.Equal("admin", session["role"]!.GetValue<string>());

        using var viewer = await ClientForNewAdminAsync("viewer");
        using var response = await SendJsonAsync(viewer, "POST", "/admin/session", null);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("viewer", body["role"]!.GetValue<string>());
        Assert.Equal(["admin:read"], body["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    private async Task<(string AdminId, string Token)> NewAdminAsync(string role)
    {
        var admin = await fixture.Admin.OkJsonAsync(HttpMethod.Post, "/admin/admins", new { name = Admin.UniqueId(role), role });
        var adminId = admin["admin_id"]!.GetValue<string>();
        var token = await fixture.Admin.OkJsonAsync(HttpMethod.Post, $"/admin/admins/{adminId}/tokens", new { expires_at = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
        return (adminId, token["value"]!.GetValue<string>());
    }

    private async Task<HttpClient> ClientForNewAdminAsync(string role) => ClientWith((await NewAdminAsync(role)).Token);

    private HttpClient ClientWith(string token)
    {
        var client = fixture.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<HttpResponseMessage> SendJsonAsync(HttpClient client, string method, string path, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
