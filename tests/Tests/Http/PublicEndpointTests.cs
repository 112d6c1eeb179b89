using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Per-endpoint access: <c>auth: "public"</c> serves anyone on an API of any mode, identifies a member who
/// presents a valid credential, and ignores an invalid one; <c>member</c> (the default) needs the credential.
/// </summary>
[Collection(WebFrontCollection.Name)]
public sealed class PublicEndpointTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData("static_token")]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task PublicEndpoint_AnswersWithoutCredential_AndWithAnInvalidOne(string mode)
    {
        var apiId = await Admin.CreateFullApiAsync(mode);
        await Admin.AddEndpointAsync(apiId, "GET", "news", "Content", "Document", "get", new { document = new { news = "open" }, auth = "public" });

        var anonymous = await GetAsync(Client, $"/rcms-api/{apiId}/news");
        var withGarbage = await GetAsync(Client, $"/rcms-api/{apiId}/news", token: "1.not-a-token", cookie: "rcms_api_access_token=1.not-a-token");
        var memberOnly = await GetAsync(Client, $"/rcms-api/{apiId}/content/doc");

        Assert.Equal(HttpStatusCode.OK, anonymous.Status);
        Assert.Equal("open", anonymous.Body["news"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, withGarbage.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, memberOnly.Status);
    }

    [Fact]
    public async Task PublicProxyEndpoint_PassesTheMember_WhenAValidCredentialIsPresented_AndProfileStillNeedsOne()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        await Admin.AddEndpointAsync(apiId, "GET", "me-public", "Authentication", "Login", "profile", new { auth = "public" });
        var (memberId, email, password) = await Admin.RegisterMemberAsync();
        var (access, _, _) = await LoginDynamicAsync(Client, apiId, email, password);

        // profile is about the caller's own login: "public" does not make it answer anonymously.
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Client, $"/rcms-api/{apiId}/me-public")).Status);
        var own = await GetAsync(Client, $"/rcms-api/{apiId}/me-public", access);
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(memberId, own.Body["member_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task AuthSetting_OtherThanMemberOrPublic_IsRefusedWithTheField()
    {
        var apiId = Admin.UniqueId("pub");
        await Admin.CreateApiAsync(apiId);
        using var response = await Admin.SendAsync(HttpMethod.Post, $"/admin/apis/{apiId}/endpoints",
            new { method = "GET", path = "news", category = "Content", model = "Document", operation = "get", settings = new { auth = "anyone" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("settings.auth", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
