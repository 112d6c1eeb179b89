using System.Net.Http.Headers;
using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Cross-site request defence of cookie mode, on a web front started as shipped: what a browser on
/// another site can make a member's browser send (login CSRF, logout, writes with the cookie attached)
/// is refused with 403 and changes nothing.
/// </summary>
[Collection(WebFrontCollection.Name)]
public sealed class CrossSiteCookieTests(WebFrontFixture fixture)
{
    private const string Evil = "https://evil.example";

    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    private static Action<HttpRequestHeaders> Origin(string origin) => h => h.TryAddWithoutValidation("Origin", origin);

    [Fact]
    public async Task Login_FromAForeignOrigin_IsRefused_AndSetsNoCookie()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();

        var (status, body, response) = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: Origin(Evil));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", Code(body));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Login_WithSecFetchSiteCrossSite_AndNoOrigin_IsRefused()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();

        var (status, _, _) = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password },
            headers: h => h.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Login_FromTheApisOwnOrigin_FromACorsOrigin_OrWithoutOrigin_Works()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        await Admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors", new { allow_origins = new[] { "https://app.example" }, allow_credentials = true });
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var own = fixture.Host.BaseAddress.GetLeftPart(UriPartial.Authority);

        var fromOwn = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: h =>
        {
            h.TryAddWithoutValidation("Origin", own);
            h.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        });
        var fromCorsOrigin = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: h =>
        {
            h.TryAddWithoutValidation("Origin", "https://app.example");
            h.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        });
        var fromServer = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });

        Assert.Equal(HttpStatusCode.OK, fromOwn.Status);
        Assert.Equal(HttpStatusCode.OK, fromCorsOrigin.Status);
        Assert.Equal(HttpStatusCode.OK, fromServer.Status);
    }

    [Fact]
    public async Task WildcardCors_DoesNotVouchForCookieRequests()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        await Admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors", new { allow_origins = new[] { "*" } });
        var (_, email, password) = await Admin.RegisterMemberAsync();

        var (status, _, _) = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: Origin(Evil));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Logout_FromAForeignOrigin_IsRefused_AndTheSessionStaysValid()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (cookie, _) = await LoginCookieAsync(Client, apiId, email, password);

        var (status, _, _) = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/logout", cookie: cookie, headers: Origin(Evil));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Client, $"/rcms-api/{apiId}/profile", cookie: cookie)).Status);
    }

    [Fact]
    public async Task UnsafeRequestWithTheCookie_FromAForeignOrigin_IsRefused_WhileAReadIsAnswered()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (cookie, _) = await LoginCookieAsync(Client, apiId, email, password);

        // Any POST endpoint will do: the rule is about the method and the cookie, not the operation.
        var write = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/token", new { }, cookie: cookie, headers: Origin(Evil));
        var read = await SendAsync(Client, HttpMethod.Get, $"/rcms-api/{apiId}/content/doc", cookie: cookie, headers: Origin(Evil));
        var writeFromServer = await PostAsync(Client, $"/rcms-api/{apiId}/token", new { }, cookie: cookie);

        Assert.Equal(HttpStatusCode.Forbidden, write.Status);
        Assert.Equal("forbidden", Code(write.Body));
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.NotEqual(HttpStatusCode.Forbidden, writeFromServer.Status);
    }

    [Fact]
    public async Task AutoLoginCookie_OnACrossSiteWrite_IsNotRestored()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (_, setCookies) = await LoginCookieAsync(Client, apiId, email, password, loginSave: 1);
        var autoLoginOnly = CookieHeader(setCookies.Where(c => c.StartsWith("rcms_api_refresh_token=", StringComparison.Ordinal)));

        var (status, _, response) = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/token", new { }, cookie: autoLoginOnly, headers: Origin(Evil));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task DynamicTokenMode_IsNotSubjectToTheCookieRule()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();

        var (status, _, _) = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password }, headers: Origin(Evil));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task ForwardedProto_FromAnUntrustedClient_DoesNotMakeCookiesSecure()
    {
        var apiId = await Admin.CreateFullApiAsync("cookie");
        var (_, email, password) = await Admin.RegisterMemberAsync();

        var (status, _, response) = await SendAsync(Client, HttpMethod.Post, $"/rcms-api/{apiId}/login", new { email, password },
            headers: h => h.TryAddWithoutValidation("X-Forwarded-Proto", "https"));

        Assert.Equal(HttpStatusCode.OK, status);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("rcms_api_access_token=", setCookie);
    }
}
