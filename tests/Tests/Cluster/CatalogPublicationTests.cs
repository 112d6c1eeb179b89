using System.Diagnostics;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Tests.Infrastructure;
using ApiSecurity.WebFront.Rcms;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// A change is written in two steps: the API grain's state, then its version in the catalog that
/// front-ends poll. A failure between the two (the catalog's silo dies) must not leave front-ends on the
/// old configuration; the test seam <see cref="CatalogPublishFaults"/> makes the second step fail.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CatalogPublicationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AcknowledgedRevocation_ReachesAFrontEndWithinOneSecond_WhenItsFirstPublicationFails()
    {
        // Given an API with a static token that a front-end has loaded.
        var (api, apiId, tokenId, front) = await ApiWithStaticTokenAsync();

        // When the token is revoked and the publication to the catalog fails once.
        CatalogPublishFaults.FailNext(apiId, 1);
        var revoked = await api.RevokeStaticTokenAsync(tokenId);

        // Then the revocation is acknowledged, and the front-end, polling as it does, drops the token within a second.
        Assert.Equal(AdminOutcome.Ok, revoked.Outcome);
        // The time that counts is when a poll began, not when it ended (a loaded machine may take a while to serve it).
        var clock = Stopwatch.StartNew();
        var polledAt = TimeSpan.Zero;
        while ((await front.GetAsync(apiId))!.Snapshot.StaticTokens.Count > 0)
        {
            Assert.True(polledAt < TimeSpan.FromSeconds(1), $"the acknowledged revocation was still missing from a poll begun {polledAt.TotalMilliseconds:F0} ms after it");
            await Task.Delay(ApiSnapshotCache.PollInterval);
            polledAt = clock.Elapsed;
            await front.PollAsync();
        }
    }

    [Fact]
    public async Task WrittenButUnpublishedRevocation_ReachesTheFrontEnd_AfterTheActivationThatWroteItIsGone()
    {
        // Given an API with a static token that a front-end has loaded.
        var (api, apiId, tokenId, front) = await ApiWithStaticTokenAsync();

        // When the revocation is written but every publication fails, so the admin call fails,
        // and the activation that wrote it goes away (as with its silo) before the catalog is reachable again.
        CatalogPublishFaults.FailNext(apiId, int.MaxValue);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => api.RevokeStaticTokenAsync(tokenId));
            await front.PollAsync();
            Assert.NotEmpty((await front.GetAsync(apiId))!.Snapshot.StaticTokens);
            await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        }
        finally
        {
            CatalogPublishFaults.Clear(apiId);
        }

        // Then the catalog's reconciliation finds the written version and the front-end drops the token,
        // without anyone touching the API again.
        var clock = Stopwatch.StartNew();
        while ((await front.GetAsync(apiId))!.Snapshot.StaticTokens.Count > 0)
        {
            Assert.True(clock.Elapsed < ApiCatalogGrain.ReconciliationPeriod * 3, "the written revocation never reached the front-end");
            await Task.Delay(ApiSnapshotCache.PollInterval);
            await front.PollAsync();
        }
    }

    private async Task<(IApiGrain Api, string ApiId, string TokenId, ApiSnapshotCache Front)> ApiWithStaticTokenAsync()
    {
        var apiId = Admin.UniqueId("publication");
        var api = fixture.Grains.GetGrain<IApiGrain>(apiId);
        Assert.Equal(AdminOutcome.Ok, (await api.UpsertAsync(apiId, true)).Outcome);
        var issued = await api.IssueStaticTokenAsync("to revoke", null, null);
        Assert.Equal(AdminOutcome.Ok, issued.Outcome);
        var front = new ApiSnapshotCache(fixture.Grains, NullLogger<ApiSnapshotCache>.Instance);
        await front.PollAsync();
        Assert.Single((await front.GetAsync(apiId))!.Snapshot.StaticTokens);
        return (api, apiId, issued.Value!.Info.Id, front);
    }
}
