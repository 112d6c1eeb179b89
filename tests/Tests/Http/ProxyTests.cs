using ApiSecurity.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary><c>Gateway / Proxy / forward</c> against a real upstream on loopback that echoes what it received.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class ProxyTests(WebFrontFixture fixture) : IAsyncLifetime
{
    private WebApplication _upstream = null!;
    private string _upstreamUrl = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _upstream = builder.Build();
        _upstream.Run(async context =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            await context.Response.WriteAsJsonAsync(new { path = context.Request.Path.Value, query = context.Request.QueryString.Value, method = context.Request.Method, headers });
        });
        await _upstream.StartAsync();
        _upstreamUrl = _upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task Forward_AddsMemberId_AndStripsCredentials()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("dynamic_token");
        await fixture.Admin.AddEndpointAsync(apiId, "POST", "orders", "Gateway", "Proxy", "forward", new { upstream = _upstreamUrl + "/v1/orders" });
        var (memberId, email, password) = await fixture.Admin.RegisterMemberAsync();
        var (access, _, _) = await LoginDynamicAsync(fixture.Client, apiId, email, password);

        var (status, body, _) = await SendAsync(fixture.Client, HttpMethod.Post, $"/rcms-api/{apiId}/orders?page=2", new { item = 1 }, access,
            cookie: "rcms_api_access_token=secret; theme=dark",
            headers: h => h.TryAddWithoutValidation("X-Member-Id", "999"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/v1/orders", body["path"]!.GetValue<string>());
        Assert.Equal("?page=2", body["query"]!.GetValue<string>());
        var headers = body["headers"]!;
        Assert.Equal(memberId.ToString(System.Globalization.CultureInfo.InvariantCulture), headers["x-member-id"]!.GetValue<string>());
        Assert.Null(headers["x-rcms-api-access-token"]);
        Assert.Equal("theme=dark", headers["cookie"]!.GetValue<string>());
    }

    [Fact]
    public async Task Forward_DropsTheClientsCredentials_AndEveryHeaderTheUpstreamMightTrust_InAnySpelling()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("dynamic_token");
        await fixture.Admin.AddEndpointAsync(apiId, "GET", "orders", "Gateway", "Proxy", "forward", new { upstream = _upstreamUrl + "/v1/orders" });
        var (memberId, email, password) = await fixture.Admin.RegisterMemberAsync();
        var (access, _, _) = await LoginDynamicAsync(fixture.Client, apiId, email, password);

        var (status, body, _) = await SendAsync(fixture.Client, HttpMethod.Get, $"/rcms-api/{apiId}/orders", token: access,
            cookie: "__Host-rcms_api_access_token=a; RCMS_API_REFRESH_TOKEN=b; rcms%5Fapi%5Faccess%5Ftoken=c; theme=dark",
            headers: h =>
            {
                h.TryAddWithoutValidation("Authorization", "Bearer upstream-secret");
                h.TryAddWithoutValidation("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0");
                h.TryAddWithoutValidation("X_Member_Id", "999");
                h.TryAddWithoutValidation("x-member_id", "998");
                h.TryAddWithoutValidation("X_RCMS_API_ACCESS_TOKEN", access);
                h.TryAddWithoutValidation("X-Forwarded-For", "10.9.9.9");
                h.TryAddWithoutValidation("X_Forwarded_For", "10.9.9.8");
                h.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
                h.TryAddWithoutValidation("X-Forwarded-Proto", "https");
                h.TryAddWithoutValidation("Forwarded", "for=10.9.9.9;proto=https");
                h.TryAddWithoutValidation("X-Real-IP", "10.9.9.9");
                h.TryAddWithoutValidation("X-Trace", "kept");
            });

        Assert.Equal(HttpStatusCode.OK, status);
        var headers = body["headers"]!.AsObject();
        var names = headers.Select(h => h.Key).ToList();
        Assert.DoesNotContain("authorization", names);
        Assert.DoesNotContain("proxy-authorization", names);
        Assert.DoesNotContain("x_member_id", names);
        Assert.DoesNotContain("x-member_id", names);
        Assert.DoesNotContain("x_rcms_api_access_token", names);
        Assert.DoesNotContain("x-rcms-api-access-token", names);
        Assert.DoesNotContain("x_forwarded_for", names);
        Assert.DoesNotContain("forwarded", names);
        Assert.DoesNotContain("x-real-ip", names);
        Assert.Equal(memberId.ToString(System.Globalization.CultureInfo.InvariantCulture), headers["x-member-id"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
        Assert.Equal("http", headers["x-forwarded-proto"]!.GetValue<string>());
        Assert.Equal(fixture.Host.BaseAddress.Authority, headers["x-forwarded-host"]!.GetValue<string>());
        Assert.Equal("theme=dark", headers["cookie"]!.GetValue<string>());
        Assert.Equal("kept", headers["x-trace"]!.GetValue<string>());
    }

    [Fact]
    public async Task Forward_KeepsTheConfiguredQuery_WhenTheClientRepeatsItsParameters()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("none");
        await fixture.Admin.AddEndpointAsync(apiId, "GET", "search", "Gateway", "Proxy", "forward", new { upstream = _upstreamUrl + "/v1/search?tenant=acme&limit=10" });

        var (status, body, _) = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/search?tenant=evil&Tenant=evil&tenant%5B%5D=evil&page=2&limit=1000&q=a%26b");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("?tenant=acme&limit=10&page=2&q=a%26b", body["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Forward_WithoutCredential_IsRefused_AndUnreachableUpstreamIs502()
    {
        var apiId = await fixture.Admin.CreateFullApiAsync("dynamic_token");
        await fixture.Admin.AddEndpointAsync(apiId, "GET", "down", "Gateway", "Proxy", "forward", new { upstream = $"http://127.0.0.1:{WebFrontHost.FreePort()}/" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/down")).Status);

        var (_, email, password) = await fixture.Admin.RegisterMemberAsync();
        var (access, _, _) = await LoginDynamicAsync(fixture.Client, apiId, email, password);
        var (status, body, _) = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/down", access);
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("unavailable", Code(body));
    }
}
