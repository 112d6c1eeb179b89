using ApiSecurity.Grains.Apis;
using ApiSecurity.Tests.Infrastructure;

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
        var view = await catalog.GetChangesAsync(-1);
        Assert.Contains(api.GetPrimaryKeyString(), view!.Versions.Keys);
        Assert.Null(await catalog.GetChangesAsync(view.Generation));

        await api.DeleteAsync();
        var after = await catalog.GetChangesAsync(view.Generation);
        Assert.DoesNotContain(api.GetPrimaryKeyString(), after!.Versions.Keys);
    }
}
