using ApiSecurity.Grains.Apis;
using ApiSecurity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace ApiSecurity.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class ApiGrainTests(ClusterFixture fixture)
{
    private async Task<IApiGrain> NewApiAsync()
    {
        var api = fixture.Grains.GetGrain<IApiGrain>(Admin.UniqueId("g"));
        Assert.True((await api.UpsertAsync("test", true)).Value!.Created);
        return api;
    }

    [Fact]
    public async Task NewApi_StartsInModeNone_AndEveryChangeRaisesTheVersion()
    {
        var api = await NewApiAsync();
        var first = await api.GetSnapshotAsync();
        Assert.Equal(SecurityMode.None, first!.Mode);

        await api.SetSecurityAsync("none", ["192.0.2.1"]);
        Assert.True((await api.GetSnapshotAsync())!.Version > first.Version);
    }

    [Fact]
    public async Task InvalidIpEntry_RefusesTheWholeUpdate_AndStoresNothing()
    {
        var api = await NewApiAsync();
        await api.SetSecurityAsync(null, ["192.0.2.1"]);

        var result = await api.SetSecurityAsync(null, ["10.0.0.0/8", "10.0.0.300"]);

        Assert.Equal(AdminOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Errors, e => e.Message.Contains("10.0.0.300"));
        Assert.Equal(["192.0.2.1"], (await api.GetSnapshotAsync())!.IpRestriction);
    }

    [Fact]
    public async Task StaticTokenMode_RequiresTheTokenEndpoint()
    {
        var api = await NewApiAsync();
        var refused = await api.SetSecurityAsync("static_token", null);
        Assert.Equal(AdminOutcome.Conflict, refused.Outcome);
        Assert.Contains(refused.Errors, e => e.Code == "missing_endpoint" && e.Message.Contains("token"));

        await api.AddEndpointAsync(new NewEndpoint("POST", "token", "Authentication", "Login", "token", null));
        Assert.Equal(AdminOutcome.Ok, (await api.SetSecurityAsync("static_token", null)).Outcome);
    }

    [Fact]
    public async Task StaticToken_IsStoredOnlyAsAHash()
    {
        var api = await NewApiAsync();
        var issued = await api.IssueStaticTokenAsync("ci", DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(), null);

        var stored = Assert.Single((await api.GetSnapshotAsync())!.StaticTokens);
        Assert.Equal(ApiSecurity.Grains.Security.Secrets.Hash(issued.Value!.Value), stored.Hash);
        Assert.DoesNotContain(issued.Value.Value, System.Text.Encoding.UTF8.GetString(stored.Hash));
    }

    [Fact]
    public async Task DisablingApi_DeletesItsStaticTokens()
    {
        var api = await NewApiAsync();
        await api.IssueStaticTokenAsync("ci", null, null);
        await api.UpsertAsync(null, false);
        Assert.Empty((await api.GetSnapshotAsync())!.StaticTokens);
    }

    [Fact]
    public async Task DeletedAndRecreatedApi_GetsANewScope_AndAHigherVersion()
    {
        var api = await NewApiAsync();
        var before = (await api.GetSnapshotAsync())!;
        await api.DeleteAsync();
        Assert.Null(await api.GetSnapshotAsync());

        await api.UpsertAsync("again", true);
        var after = (await api.GetSnapshotAsync())!;
        Assert.NotEqual(before.Scope, after.Scope);
        Assert.True(after.Version > before.Version);
    }

    [Fact]
    public async Task Catalog_ReportsChanges_OnlyWhenSomethingChanged()
    {
        var catalog = fixture.Grains.GetGrain<IApiCatalogGrain>(0);
        var api = await NewApiAsync();
        var view = await catalog.GetAllAsync();
        Assert.Contains(api.GetPrimaryKeyString(), view.Versions.Keys);
        Assert.Null(await catalog.GetChangesAsync(view.Generation));

        await api.DeleteAsync();
        var after = await catalog.GetChangesAsync(view.Generation);
        Assert.DoesNotContain(api.GetPrimaryKeyString(), after!.Versions.Keys);
    }

    [Fact]
    public async Task Snapshot_CarriesTheSettingsTheGrainParsed_ThroughSerialization()
    {
        var api = await NewApiAsync();
        const string Json = """{"use_refresh_token": false, "access_token_lifespan": 60, "cookie_samesite": "strict", "groups": ["g1", 7], "rate_limit": {"limit": 5, "key": "endpoint"}, "auth": "public"}""";
        await api.AddEndpointAsync(new NewEndpoint("POST", "token", "Authentication", "Login", "token", Json));
        await api.AddEndpointAsync(new NewEndpoint("GET", "proxy", "Gateway", "Proxy", "forward", """{"upstream": "https://example.com/base"}"""));

        var snapshot = (await api.GetSnapshotAsync())!;
        var serializer = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<ApiSnapshot>(serializer.SerializeToArray(snapshot));

        var settings = copy!.EndpointSettings!;
        Assert.Equal(2, settings.Count);
        var token = settings[0];
        Assert.False(token.UseRefreshToken);
        Assert.Equal(60, token.AccessTokenLifespan);
        Assert.Equal(EndpointSettings.DefaultRefreshTokenLifespan, token.RefreshTokenLifespan);
        Assert.Equal(CookieSameSite.Strict, token.CookieSameSite);
        Assert.Equal(["g1", "7"], token.Groups);
        Assert.Equal(new RateLimitSetting(5, 60, "endpoint"), token.RateLimit);
        Assert.Equal(EndpointAccess.Public, token.Auth);
        Assert.Equal(new Uri("https://example.com/base"), settings[1].Upstream);
        Assert.True(settings[1].UseRefreshToken);
    }
}
