using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>SPEC §5.</summary>
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
}
