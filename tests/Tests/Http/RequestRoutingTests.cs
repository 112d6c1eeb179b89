using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>Status codes, error codes, the envelope and the request id.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class RequestRoutingTests(WebFrontFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData("/rcms-api/no-such-api/content/doc")]
    [InlineData("/rcms-api/")]
    [InlineData("/rcms-api")]
    [InlineData("/rcms-api/bad%20id/x")]
    [InlineData("/rcms-api/..%2F..%2Fetc/passwd")]
    [InlineData("/rcms-api/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/x")]
    public async Task UnknownApi_Answers404_InTheEnvelope(string path)
    {
        var (status, body, response) = await GetAsync(Client, path);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", Code(body));
        Assert.NotNull(body["messages"]);
        Assert.True(response.Headers.Contains("x-rcms-request-id"));
    }

    [Fact]
    public async Task UnknownPath_Answers404_AndWrongMethod405()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("none");
        var unknown = await GetAsync(Client, $"/rcms-api/{apiId}/content/other");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);

        var wrongMethod = await SendAsync(Client, HttpMethod.Delete, $"/rcms-api/{apiId}/content/doc");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.Status);
        Assert.Equal("method_not_allowed", Code(wrongMethod.Body));
        Assert.Contains("GET", wrongMethod.Response.Content.Headers.Allow);
    }

    [Fact]
    public async Task LoginAndTokenEndpoints_NeverNeedACredential_OtherEndpointsDo()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("dynamic_token");
        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = "x@example.com", password = "whatever" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.Status);
        Assert.Equal("Invalid email or password", login.Body["errors"]![0]!["message"]!.GetValue<string>());
        var token = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { grant_token = "1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
        Assert.Equal(HttpStatusCode.Unauthorized, token.Status);
        var profile = await GetAsync(Client, $"/rcms-api/{apiId}/profile");
        Assert.Equal("Access Token is required", profile.Body["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task EverySuccess_CarriesErrorsAndMessages_AndARequestId()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await fixture.Admin.RegisterMemberAsync();
        var login = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });
        Assert.Empty(login.Body["errors"]!.AsArray());
        Assert.Empty(login.Body["messages"]!.AsArray());
        Assert.True(login.Response.Headers.Contains("x-rcms-request-id"));
    }

    [Fact]
    public async Task Document_KeepsItsOwnErrorsAndMessages_WhenPresent()
    {
        var apiId = Admin.UniqueId("doc");
        await fixture.Admin.CreateApiAsync(apiId);
        await fixture.Admin.AddDocumentAsync(apiId, "d", new { messages = new[] { "hi" }, n = 1 });
        var (status, body, _) = await GetAsync(Client, $"/rcms-api/{apiId}/d");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("hi", body["messages"]![0]!.GetValue<string>());
        Assert.Empty(body["errors"]!.AsArray());
    }
}
