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
