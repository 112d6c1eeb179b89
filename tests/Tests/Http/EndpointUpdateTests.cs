using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary><c>PUT /admin/apis/{apiId}/endpoints/{endpointId}</c>: an endpoint edited in place.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class EndpointUpdateTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task EditingAnEndpoint_KeepsItsId_BumpsTheVersion_AndTheNextRequestUsesTheNewSettings()
    {
        // Given a cookie-mode API whose document is public and whose login sets a SameSite=Lax cookie
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var endpoints = (await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}/endpoints"))["endpoints"]!.AsArray();
        var login = endpoints.First(e => e!["operation"]!.GetValue<string>() == "login_challenge")!;
        var document = endpoints.First(e => e!["operation"]!.GetValue<string>() == "get")!;
        var versionBefore = (await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}"))["version"]!.GetValue<long>();
        var (cookie, _) = await LoginCookieAsync(Client, apiId, email, password);
        Assert.Equal("world", (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", cookie: cookie)).Body["hello"]!.GetValue<string>());

        // When the login's SameSite becomes Strict and the document changes, moves and becomes public
        var editedLogin = await Admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/endpoints/{login["endpoint_id"]}", new
        {
            method = "POST", path = "login", category = "Authentication", model = "Login", operation = "login_challenge",
            settings = new { cookie_samesite = "Strict" },
        });
        var editedDocument = await Admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/endpoints/{document["endpoint_id"]}", new
        {
            method = "GET", path = "/content/news/", category = "Content", model = "Document", operation = "get",
            settings = new { auth = "public", document = new { hello = "again" } },
        });

        // Then both keep their ids, the API's version moved on, and the next requests see the change
        Assert.Equal(login["endpoint_id"]!.GetValue<long>(), editedLogin["endpoint_id"]!.GetValue<long>());
        Assert.Equal("Strict", editedLogin["settings"]!["cookie_samesite"]!.GetValue<string>());
        Assert.Equal(document["endpoint_id"]!.GetValue<long>(), editedDocument["endpoint_id"]!.GetValue<long>());
        Assert.Equal("content/news", editedDocument["path"]!.GetValue<string>());
        var api = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.True(api["version"]!.GetValue<long>() > versionBefore);
        Assert.Equal(endpoints.Count, api["endpoints"]!.AsArray().Count);

        var (_, setCookies) = await LoginCookieAsync(Client, apiId, email, password);
        Assert.Contains("samesite=strict", Assert.Single(setCookies), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Client, $"/rcms-api/{apiId}/content/doc")).Status);
        var anonymous = await GetAsync(Client, $"/rcms-api/{apiId}/content/news");
        Assert.Equal(HttpStatusCode.OK, anonymous.Status);
        Assert.Equal("again", anonymous.Body["hello"]!.GetValue<string>());
    }

    [Fact]
    public async Task InvalidSettings_Are400_NamingTheField_AndLeaveTheEndpointAsItWas()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var login = await EndpointAsync(apiId, "login_challenge");

        using var response = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/endpoints/{login["endpoint_id"]}", new
        {
            method = "POST", path = "login", category = "Authentication", model = "Login", operation = "login_challenge",
            settings = new { cookie_samesite = "Sometimes", session_idle_timeout = 0 },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
        Assert.Contains("settings.cookie_samesite", fields);
        Assert.Contains("settings.session_idle_timeout", fields);
        Assert.Equal(login.ToJsonString(), (await EndpointAsync(apiId, "login_challenge")).ToJsonString());
    }

    [Fact]
    public async Task AnEditThatTakesAwayWhatTheModeNeeds_IsRefusedWith409()
    {
        // Given a dynamic-token API: it needs a login_challenge and a token endpoint
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var token = await EndpointAsync(apiId, "token");

        // When the token endpoint is turned into a document
        using var response = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/endpoints/{token["endpoint_id"]}", new
        {
            method = "GET", path = "token", category = "Content", model = "Document", operation = "get",
        });

        // Then it is refused like deleting it would be, and it still issues tokens
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("missing_endpoint", Code(problem));
        Assert.Equal(token.ToJsonString(), (await EndpointAsync(apiId, "token")).ToJsonString());
    }

    [Fact]
    public async Task EditingToAnotherEndpointsMethodAndPath_Conflicts_AndAnUnknownEndpointIs404()
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        var document = await EndpointAsync(apiId, "get");

        using var duplicate = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/endpoints/{document["endpoint_id"]}", new
        {
            method = "GET", path = "profile", category = "Content", model = "Document", operation = "get",
        });
        using var missing = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/endpoints/999999", new
        {
            method = "GET", path = "elsewhere", category = "Content", model = "Document", operation = "get",
        });
        using var sameAgain = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/endpoints/{document["endpoint_id"]}", new
        {
            method = "GET", path = "content/doc", category = "Content", model = "Document", operation = "get",
            settings = new { document = new { hello = "world" } },
        });

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameAgain.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheEndpointEdit()
    {
        using var anonymous = fixture.Host.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;

        Assert.NotNull(document["paths"]!["/admin/apis/{apiId}/endpoints/{endpointId}"]!["put"]!["summary"]);
    }

    private async Task<JsonNode> EndpointAsync(string apiId, string operation) =>
        (await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}/endpoints"))["endpoints"]!.AsArray()
            .First(e => e!["operation"]!.GetValue<string>() == operation)!;
}
