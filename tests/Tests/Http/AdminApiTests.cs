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
