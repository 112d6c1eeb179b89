using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>Per-API CORS.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class CorsTests(WebFrontFixture fixture)
{
    private async Task<string> ApiWithCorsAsync(object cors, string mode = "dynamic_token")
    {
        var apiId = await fixture.Admin.CreateFullApiAsync(mode);
        await fixture.Admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors", cors);
        return apiId;
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAnsweredWithoutCredential()
    {
        var apiId = await ApiWithCorsAsync(new { allow_origins = new[] { "https://app.example" }, allow_methods = new[] { "GET", "POST" }, allow_headers = new[] { "X-RCMS-API-ACCESS-TOKEN", "Content-Type" }, max_age = 600, allow_credentials = true });

        var (status, _, response) = await SendAsync(fixture.Client, HttpMethod.Options, $"/rcms-api/{apiId}/content/doc", headers: h =>
        {
            h.TryAddWithoutValidation("Origin", "https://app.example");
            h.TryAddWithoutValidation("Access-Control-Request-Method", "GET");
            h.TryAddWithoutValidation("Access-Control-Request-Headers", "x-rcms-api-access-token");
        });

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("https://app.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());
    }

    [Fact]
    public async Task OriginNotOnTheList_GetsNoCorsHeaders()
    {
        var apiId = await ApiWithCorsAsync(new { allow_origins = new[] { "https://app.example" } }, "none");
        var (status, _, response) = await SendAsync(fixture.Client, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("Origin", "https://evil.example"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task SimpleRequest_FromAnAllowedOrigin_GetsTheOriginBack()
    {
        var apiId = await ApiWithCorsAsync(new { allow_origins = new[] { "https://app.example" } }, "none");
        var (_, _, response) = await SendAsync(fixture.Client, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc",
            headers: h => h.TryAddWithoutValidation("Origin", "https://app.example"));
        Assert.Equal("https://app.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Wildcard_IsNeverCombinedWithCredentials()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("none");
        using var response = await fixture.Admin.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors", new { allow_origins = new[] { "*" }, allow_credentials = true });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task EveryErrorAnswer_OfAnExistingApi_CarriesItsCorsHeaders()
    {
        const string origin = "https://app.example";
        var apiId = await ApiWithCorsAsync(new { allow_origins = new[] { origin }, allow_credentials = true });
        await fixture.Admin.AddEndpointAsync(apiId, "GET", "limited", "Content", "Document", "get", new { rate_limit = new { limit = 1, window = 60 }, auth = "public" });
        var limited = await SendAsync(fixture.Client, HttpMethod.Get, $"/rcms-api/{apiId}/limited", headers: h => h.TryAddWithoutValidation("Origin", origin));
        Assert.Equal(HttpStatusCode.OK, limited.Status);

        var answers = new List<(HttpStatusCode Status, HttpResponseMessage Response)>();
        foreach (var (method, path) in new[] { ("GET", "content/doc"), ("GET", "no/such/path"), ("DELETE", "content/doc"), ("GET", "limited") })
        {
            var (status, _, response) = await SendAsync(fixture.Client, new HttpMethod(method), $"/rcms-api/{apiId}/{path}", headers: h => h.TryAddWithoutValidation("Origin", origin));
            answers.Add((status, response));
        }

        await fixture.Admin.SetSecurityAsync(apiId, "dynamic_token", "192.0.2.0/24");
        var (ipStatus, _, ipResponse) = await SendAsync(fixture.Client, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc", headers: h => h.TryAddWithoutValidation("Origin", origin));
        answers.Add((ipStatus, ipResponse));

        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed, HttpStatusCode.TooManyRequests, HttpStatusCode.Forbidden],
            answers.Select(a => a.Status));
        Assert.All(answers, a =>
        {
            Assert.Equal(origin, a.Response.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("true", a.Response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        });
    }
}
