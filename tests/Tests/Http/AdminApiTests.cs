using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

[Collection(WebFrontCollection.Name)]
public sealed class AdminApiTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    [Fact]
    public async Task AdminApi_RequiresTheAdminToken()
    {
        using var anonymous = fixture.Host.CreateClient();
        using var response = await anonymous.GetAsync("/admin/apis");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/apis");
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-the-admin-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheAdminApi_AndBothCredentialSchemes()
    {
        using var anonymous = fixture.Host.CreateClient();
        using var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var paths = document["paths"]!.AsObject();
        Assert.Contains("/admin/apis/{apiId}/security", paths.Select(p => p.Key));
        Assert.Contains("/admin/members/{memberId}/sessions", paths.Select(p => p.Key));
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/health", StringComparison.Ordinal) || p.Key.StartsWith("/dashboard", StringComparison.Ordinal));
        Assert.NotNull(paths["/admin/apis/{apiId}"]!["put"]!["summary"]);

        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("bearer", schemes["admin_token"]!["scheme"]!.GetValue<string>());
        Assert.Equal("apiKey", schemes["rcms_access_token"]!["type"]!.GetValue<string>());
        Assert.Equal("header", schemes["rcms_access_token"]!["in"]!.GetValue<string>());
        Assert.Equal("X-RCMS-API-ACCESS-TOKEN", schemes["rcms_access_token"]!["name"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]!["admin_token"]);
    }

    [Fact]
    public async Task OpenApiDocument_CarriesRequestAndResponseSchemas_InTheWireFormat()
    {
        using var anonymous = fixture.Host.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!;

        var upsert = paths["/admin/apis/{apiId}"]!["put"]!;
        Assert.Equal(["name", "enabled"], Properties(document, upsert["requestBody"]!["content"]!["application/json"]!["schema"]!));
        Assert.Equal(["apiId"], upsert["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        foreach (var status in new[] { "200", "201" })
        {
            var api = Properties(document, upsert["responses"]![status]!["content"]!["application/json"]!["schema"]!);
            Assert.Contains("api_id", api);
            Assert.Contains("security", api);
            Assert.Contains("endpoints", api);
        }

        var register = paths["/admin/members"]!["post"]!;
        Assert.True(register["requestBody"]!["required"]!.GetValue<bool>());
        Assert.Equal(["email", "password", "name1", "name2", "nickname", "groups"], Properties(document, register["requestBody"]!["content"]!["application/json"]!["schema"]!));
        Assert.Contains("member_id", Properties(document, register["responses"]!["201"]!["content"]!["application/json"]!["schema"]!));

        var security = paths["/admin/apis/{apiId}/security"]!["put"]!;
        Assert.Equal(["mode", "ip_restriction"], Properties(document, security["requestBody"]!["content"]!["application/json"]!["schema"]!));
        Assert.Equal(["apis"], Properties(document, paths["/admin/apis"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!));
        Assert.Equal(["name", "role"], Properties(document, paths["/admin/admins"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!));
    }

    /// <summary>The property names of a schema, following a <c>$ref</c> into the document's components.</summary>
    private static List<string> Properties(JsonNode document, JsonNode schema)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!;
        }

        return schema["properties"]!.AsObject().Select(p => p.Key).ToList();
    }

    [Fact]
    public async Task LoginHistory_RecordsEveryAttempt_NewestFirst_WithClientIpAndOutcome()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (memberId, email, password) = await Admin.RegisterMemberAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(fixture.Client, $"/rcms-api/{apiId}/login", new { email, password = "not-the-password" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fixture.Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);

        var logins = (await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{memberId}/logins"))["logins"]!.AsArray();
        Assert.Equal(["ok", "invalid_credentials"], logins.Select(l => l!["outcome"]!.GetValue<string>()));
        Assert.All(logins, l => Assert.Equal("127.0.0.1", l!["client_ip"]!.GetValue<string>()));
        Assert.True(logins[0]!["at"]!.GetValue<long>() >= logins[1]!["at"]!.GetValue<long>());
        Assert.DoesNotContain(password, logins.ToJsonString(), StringComparison.Ordinal);

        using var missing = await Admin.SendAsync(HttpMethod.Get, "/admin/members/999999999/logins");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ExpiringStaticTokens_ListsTokensOfEveryApiWithinTheWindow_SoonestFirst()
    {
        var apiA = Admin.UniqueId("exp");
        var apiB = Admin.UniqueId("exp");
        await Admin.CreateApiAsync(apiA);
        await Admin.CreateApiAsync(apiB);
        var now = DateTimeOffset.UtcNow;
        var inTwoDays = await Admin.IssueStaticTokenAsync(apiA, "two days", now.AddDays(2).ToUnixTimeSeconds());
        var inOneDay = await Admin.IssueStaticTokenAsync(apiB, "one day", now.AddDays(1).ToUnixTimeSeconds());
        var inTenDays = await Admin.IssueStaticTokenAsync(apiA, "ten days", now.AddDays(10).ToUnixTimeSeconds());

        var list = (await Admin.OkJsonAsync(HttpMethod.Get, "/admin/static-tokens/expiring"))["static_tokens"]!.AsArray()
            .Where(t => t!["api_id"]!.GetValue<string>() is var id && (id == apiA || id == apiB))
            .ToList();
        Assert.Equal([inOneDay.Id, inTwoDays.Id], list.Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal(apiB, list[0]!["api_id"]!.GetValue<string>());
        Assert.Null(list[0]!["value"]);

        var wider = (await Admin.OkJsonAsync(HttpMethod.Get, "/admin/static-tokens/expiring?days=30"))["static_tokens"]!.AsArray();
        Assert.Contains(wider, t => t!["id"]!.GetValue<string>() == inTenDays.Id);
        using var invalid = await Admin.SendAsync(HttpMethod.Get, "/admin/static-tokens/expiring?days=0");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task PutApi_CreatesThenUpdates_AndNewApisStartInModeNone()
    {
        var apiId = Admin.UniqueId("a");
        using var created = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}", new { name = "Shop", enabled = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var updated = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}", new { name = "Shop v2" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var api = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.Equal("Shop v2", api["name"]!.GetValue<string>());
        Assert.Equal("none", api["security"]!["mode"]!.GetValue<string>());
        var list = await Admin.OkJsonAsync(HttpMethod.Get, "/admin/apis");
        Assert.Contains(list["apis"]!.AsArray(), a => a!["api_id"]!.GetValue<string>() == apiId);
    }

    [Fact]
    public async Task SettingDynamicMode_WithNothingInPlace_ListsEveryUnmetRequirement_AndChangesNothing()
    {
        var apiId = Admin.UniqueId("a");
        await Admin.CreateApiAsync(apiId);

        using var response = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/security", new { mode = "dynamic_token" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var codes = problem["errors"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()).ToList();
        Assert.Equal(2, codes.Count(c => c == "missing_endpoint"));
        var api = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.Equal("none", api["security"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task RemovingAnEndpointTheModeRequires_IsRefused()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var endpoints = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}/endpoints");
        var tokenEndpoint = endpoints["endpoints"]!.AsArray().First(e => e!["operation"]!.GetValue<string>() == "token")!;
        var docEndpoint = endpoints["endpoints"]!.AsArray().First(e => e!["operation"]!.GetValue<string>() == "get")!;

        using var refused = await Admin.SendAsync(HttpMethod.Delete, $"/admin/apis/{apiId}/endpoints/{tokenEndpoint["endpoint_id"]}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using var allowed = await Admin.SendAsync(HttpMethod.Delete, $"/admin/apis/{apiId}/endpoints/{docEndpoint["endpoint_id"]}");
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc")).Status);
    }

    [Fact]
    public async Task StaticTokenValue_IsShownOnlyAtCreation()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var (id, value) = await Admin.IssueStaticTokenAsync(apiId, "ci");
        using var list = await Admin.SendAsync(HttpMethod.Get, $"/admin/apis/{apiId}/static-tokens");
        var text = await list.Content.ReadAsStringAsync();
        Assert.Contains(id, text);
        Assert.DoesNotContain(value, text);
    }

    [Fact]
    public async Task RegisteringAnExistingEmail_Conflicts_CaseInsensitively()
    {
        var (_, email, _) = await Admin.RegisterMemberAsync();
        using var response = await Admin.SendAsync(HttpMethod.Post, "/admin/members", new { email = email.ToUpperInvariant(), password = "another-pass" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task DisablingApi_Answers404_AndDeletesItsStaticTokens()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var (_, value) = await Admin.IssueStaticTokenAsync(apiId);
        await Admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}", new { enabled = false });

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc", value)).Status);
        await Admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}", new { enabled = true });
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc", value)).Status);
        var tokens = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}/static-tokens");
        Assert.Empty(tokens["static_tokens"]!.AsArray());
    }

    [Fact]
    public async Task DeletedApi_Answers404()
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        using var delete = await Admin.SendAsync(HttpMethod.Delete, $"/admin/apis/{apiId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc")).Status);
        using var get = await Admin.SendAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
    [Fact]
    public async Task Dashboard_IsServedOnlyToTheAdmin_WithBasicCredentialsForBrowsers()
    {
        using var browser = fixture.Host.CreateClient();
        using var anonymous = await browser.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:wrong"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(wrong)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        right.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + WebFrontHost.AdminTokenValue)));
        using var page = await browser.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync());
    }
}
