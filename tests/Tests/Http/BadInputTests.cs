using System.Text;
using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>No input a client can send yields a 5xx or a stack trace; refused requests store nothing.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class BadInputTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    public static TheoryData<string> MalformedLoginBodies => new()
    {
        "{",
        "not json",
        "[1,2,3]",
        "\"just a string\"",
        "{\"email\": 5, \"password\": \"x\"}",
        "{\"email\": \"a@example.com\", \"password\": [\"x\"]}",
        "{\"email\": \"a@example.com\", \"password\": \"x\", \"login_save\": \"yes\"}",
        "{\"email\": null}",
        "{}",
        "{\"a\":" + new string('[', 200) + new string(']', 200) + "}",
    };

    [Theory]
    [MemberData(nameof(MalformedLoginBodies))]
    public async Task MalformedLoginBody_Answers400_WithAClearError(string body)
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (status, json, response) = await PostAsync(Client, $"/rcms-api/{apiId}/login", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Code(json), new[] { "required", "invalid" });
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{\"email\":\"\\ud800\",\"password\":\"x\"}", "email")]
    [InlineData("{\"email\":\"a\\udc00b@example.com\",\"password\":\"x\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"\\ud800\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"pw\\udfff\\ud800\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"x\",\"login_save\":\"\\ud800\"}", "login_save")]
    public async Task LoneSurrogate_InLogin_Answers400_NamingTheField(string body, string field)
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (status, json, _) = await PostAsync(Client, $"/rcms-api/{apiId}/login", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid", Code(json));
        Assert.Equal(field, json["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoneSurrogate_InTokenRequest_Answers400_NamingTheField()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (status, json, _) = await PostAsync(Client, $"/rcms-api/{apiId}/token", "{\"grant_token\":\"\\ud800\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("grant_token", json["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"email\":\"\\ud800@example.com\",\"password\":\"long-enough\"}")]
    [InlineData("{\"email\":\"lone@example.com\",\"password\":\"long-enough\\ud800\"}")]
    public async Task LoneSurrogate_InMemberRegistration_Answers400_AndRegistersNothing(string body)
    {
        var response = await Admin.Http.PostAsync("/admin/members", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
        var list = await Admin.OkJsonAsync(HttpMethod.Get, "/admin/members?limit=1000");
        Assert.DoesNotContain("lone@example.com", list.ToJsonString());
    }

    [Theory]
    [InlineData("security", "{\"mode\":\"none\",\"ip_restriction\":[\"\\ud800\"]}")]
    [InlineData("security", "{\"mode\":\"none\",\"ip_restriction\":\"10.0.0.1 # \\udc00\"}")]
    [InlineData("cors", "{\"allow_origins\":[\"https://\\ud800.example\"]}")]
    [InlineData("endpoints", "{\"method\":\"GET\",\"path\":\"doc\",\"category\":\"Content\",\"model\":\"Document\",\"operation\":\"get\",\"settings\":{\"document\":{\"\\ud800\":1}}}")]
    public async Task LoneSurrogate_InAnyAdminBody_Answers400(string resource, string body)
    {
        var apiId = Admin.UniqueId("surrogate");
        await Admin.CreateApiAsync(apiId);
        var method = resource == "endpoints" ? HttpMethod.Post : HttpMethod.Put;

        using var response = await Admin.SendAsync(method, $"/admin/apis/{apiId}/{resource}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid Unicode", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFields_AreNamed()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, json, _) = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = "" });
        var fields = json["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
        Assert.Contains("email", fields);
        Assert.Contains("password", fields);
        var token = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { });
        Assert.Equal("grant_token", token.Body["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task OversizedBody_Answers413()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var huge = "{\"email\":\"" + new string('a', 200_000) + "\",\"password\":\"x\"}";
        var (status, json, _) = await PostAsync(Client, $"/rcms-api/{apiId}/login", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("payload_too_large", Code(json));
    }

    [Fact]
    public async Task OversizedHeader_IsRefusedWith4xx()
    {
        var apiId = await Admin.CreateFullApiAsync("static_token");
        var (status, _, _) = await GetAsync(Client, $"/rcms-api/{apiId}/content/doc", token: new string('x', 100_000));
        Assert.InRange((int)status, 400, 499);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("1.")]
    [InlineData("1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("' OR 1=1 --")]
    [InlineData("%00%00")]
    [InlineData("ÄÖÜ-non-ascii")]
    public async Task GarbageTokens_Answer4xx_InEveryMode(string token)
    {
        // Send the raw UTF-8 bytes of non-ASCII tokens, as a misbehaving client would.
        using var raw = new HttpClient(new SocketsHttpHandler { UseCookies = false, RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1 })
        {
            BaseAddress = fixture.Host.BaseAddress,
        };
        foreach (var mode in new[] { "static_token", "dynamic_token", "cookie" })
        {
            var apiId = await Admin.CreateFullApiAsync(mode);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/rcms-api/{apiId}/content/doc");
            request.Headers.TryAddWithoutValidation("X-RCMS-API-ACCESS-TOKEN", Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(token)));
            request.Headers.TryAddWithoutValidation("Cookie", "rcms_api_access_token=" + Uri.EscapeDataString(token));
            using var response = await raw.SendAsync(request);
            Assert.InRange((int)response.StatusCode, 400, 499);
        }
    }

    [Fact]
    public async Task GarbageGrantAndRefreshTokens_Answer401()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "x" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "", refresh_token = new string('9', 5000) })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = 12 })).Status);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"mode\": 3}")]
    [InlineData("{\"mode\": \"paranoid\"}")]
    [InlineData("{\"mode\": \"none\", \"ip_restriction\": [1, 2]}")]
    [InlineData("{\"mode\": \"none\", \"ip_restriction\": {\"a\": 1}}")]
    public async Task MalformedAdminBody_Answers400ProblemDetails_AndChangesNothing(string body)
    {
        var apiId = await Admin.CreateFullApiAsync("none");
        var before = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}");

        using var response = await Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/security", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var after = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}");
        Assert.Equal(before["version"]!.GetValue<long>(), after["version"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("{\"email\": \"not-an-email\", \"password\": \"long-enough\"}")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": \"123\"}")]
    [InlineData("{\"email\": \"a@example.com\"}")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": \"long-enough\", \"groups\": \"staff\"}")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": \"long-enough\", \"groups\": [\"no spaces\"]}")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": \"long-enough\", \"groups\": [\"staff\\n\"]}")]
    public async Task InvalidRegistration_Answers400(string body)
    {
        using var response = await Admin.SendAsync(HttpMethod.Post, "/admin/members", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"method\": \"GET\", \"path\": \"../x\", \"category\": \"Content\", \"model\": \"Document\", \"operation\": \"get\"}")]
    [InlineData("{\"method\": \"BREW\", \"path\": \"x\", \"category\": \"Content\", \"model\": \"Document\", \"operation\": \"get\"}")]
    [InlineData("{\"method\": \"GET\", \"path\": \"x\", \"category\": \"Nope\", \"model\": \"Document\", \"operation\": \"get\"}")]
    [InlineData("{\"method\": \"GET\", \"path\": \"login\", \"category\": \"Authentication\", \"model\": \"Login\", \"operation\": \"login_challenge\"}")]
    [InlineData("{\"method\": \"GET\", \"path\": \"p\", \"category\": \"Gateway\", \"model\": \"Proxy\", \"operation\": \"forward\", \"settings\": {\"upstream\": \"ftp://x\"}}")]
    [InlineData("{\"method\": \"POST\", \"path\": \"t\", \"category\": \"Authentication\", \"model\": \"Login\", \"operation\": \"token\", \"settings\": {\"access_token_lifespan\": -5}}")]
    [InlineData("{\"method\": \"GET\", \"path\": \"d\", \"category\": \"Content\", \"model\": \"Document\", \"operation\": \"get\", \"settings\": [1]}")]
    public async Task InvalidEndpoint_Answers400(string body)
    {
        var apiId = Admin.UniqueId("e");
        await Admin.CreateApiAsync(apiId);
        using var response = await Admin.SendAsync(HttpMethod.Post, $"/admin/apis/{apiId}/endpoints", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var endpoints = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/apis/{apiId}/endpoints");
        Assert.Empty(endpoints["endpoints"]!.AsArray());
    }

    [Theory]
    [InlineData("GET", "/admin/apis/bad%20id", 404, "API does not exist.")]
    [InlineData("PUT", "/admin/apis/bad%20id", 400, "apiId must be 1-64 letters, digits, '-' or '_'.")]
    [InlineData("PUT", "/admin/apis/line-break%0A", 400, "apiId must be 1-64 letters, digits, '-' or '_'.")]
    [InlineData("DELETE", "/admin/apis/bad%20id", 404, "API does not exist.")]
    [InlineData("PUT", "/admin/apis/bad%20id/security", 404, "API does not exist.")]
    [InlineData("POST", "/admin/apis/bad%20id/static-tokens", 404, "API does not exist.")]
    [InlineData("PUT", "/admin/apis/good/endpoints/x1", 404, "Endpoint does not exist.")]
    [InlineData("DELETE", "/admin/apis/good/endpoints/-1", 404, "Endpoint does not exist.")]
    [InlineData("DELETE", "/admin/apis/good/static-tokens/" + "t123456789t123456789t123456789t123456789t123456789t123456789t1234", 404, "Static token does not exist.")]
    [InlineData("GET", "/admin/members/abc", 404, "Member does not exist.")]
    [InlineData("GET", "/admin/members/-1", 404, "Member does not exist.")]
    [InlineData("GET", "/admin/members/0", 404, "Member does not exist.")]
    [InlineData("GET", "/admin/members/+1", 404, "Member does not exist.")]
    [InlineData("GET", "/admin/members/99999999999999999999999", 404, "Member does not exist.")]
    [InlineData("POST", "/admin/members/abc/mfa", 404, "Member does not exist.")]
    [InlineData("DELETE", "/admin/members/abc/sessions", 404, "Member does not exist.")]
    [InlineData("DELETE", "/admin/admins/ABCDEF0123456789", 404, "Administrator does not exist.")]
    [InlineData("POST", "/admin/admins/short/tokens", 404, "Administrator does not exist.")]
    public async Task MalformedAdminIds_AnswerAProblem_AsForAnIdThatDoesNotExist(string method, string path, int status, string detail)
    {
        using var response = await Admin.SendAsync(new HttpMethod(method), path, method is "PUT" or "POST" ? new { } : null);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(detail, problem["detail"]!.GetValue<string>());
        Assert.Equal(status, problem["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("GET", "/admin/apis/bad%20id")]
    [InlineData("PUT", "/admin/apis/bad%20id")]
    [InlineData("DELETE", "/admin/members/abc")]
    public async Task MalformedAdminIds_StillNeedTheAdminCredential(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
