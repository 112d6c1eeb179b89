using ApiSecurity.Grains.Apis;
using ApiSecurity.Tests.Infrastructure;
using ApiSecurity.WebFront.Rcms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ApiSecurity.Tests.Grains;

/// <summary>
/// The catalog's change feed: a front-end that is up to date receives only what changed, however many APIs
/// there are; one that cannot be answered from the change log receives the whole list; the list survives the
/// catalog's activation (it lives in bucket grains) and the checksum lets a copy verify itself.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiCatalogTests(ClusterFixture fixture)
{
    private IApiCatalogGrain Catalog => fixture.Grains.GetGrain<IApiCatalogGrain>(0);

    private async Task<string> NewApiAsync(string prefix = "cat")
    {
        var apiId = Admin.UniqueId(prefix);
        Assert.True((await fixture.Grains.GetGrain<IApiGrain>(apiId).UpsertAsync(apiId, true)).Value!.Created);
        return apiId;
    }

    [Fact]
    public async Task FrontEndThatIsUpToDate_ReceivesOnlyTheApisThatChanged()
    {
        // Given many APIs and a reader that holds the whole list.
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await NewApiAsync());
        }

        var full = (await Catalog.GetChangesSinceAsync(0, 0))!;
        Assert.True(full.Complete);
        Assert.Superset(ids.ToHashSet(), full.Changes.Select(c => c.ApiId).ToHashSet());
        var quiet = await Catalog.GetChangesSinceAsync(full.Epoch, full.Sequence);
        Assert.True(quiet is null || !quiet.Complete);

        // When one API changes and another is deleted.
        var changed = ids[7];
        await fixture.Grains.GetGrain<IApiGrain>(changed).UpsertAsync("renamed", null);
        var version = (await fixture.Grains.GetGrain<IApiGrain>(changed).GetSnapshotAsync())!.Version;
        await fixture.Grains.GetGrain<IApiGrain>(ids[8]).DeleteAsync();

        // Then the answer since the reader's sequence names them (other tests may add their own changes), not the whole list.
        var delta = (await Catalog.GetChangesSinceAsync(full.Epoch, full.Sequence))!;
        Assert.False(delta.Complete);
        Assert.Contains(new ApiVersion(changed, version), delta.Changes);
        Assert.Contains(new ApiVersion(ids[8], 0), delta.Changes);
        Assert.DoesNotContain(delta.Changes, c => c.ApiId == ids[9]);
        Assert.True(delta.Changes.Count < full.Changes.Count);

        // And the checksum of the list with the delta applied is the catalog's.
        var list = full.Changes.ToDictionary(c => c.ApiId, c => c.Version);
        foreach (var c in delta.Changes)
        {
            if (c.Version == 0)
            {
                list.Remove(c.ApiId);
            }
            else
            {
                list[c.ApiId] = c.Version;
            }
        }

        Assert.Equal(delta.Checksum, list.Aggregate(0UL, (sum, e) => sum ^ ApiCatalogChecksum.Of(e.Key, e.Value)));
    }

    [Fact]
    public async Task ReaderOfAnotherEpoch_OrTooFarBehind_ReceivesTheWholeList()
    {
        var apiId = await NewApiAsync();
        var current = (await Catalog.GetChangesSinceAsync(0, 0))!;

        var otherEpoch = (await Catalog.GetChangesSinceAsync(current.Epoch + 1, current.Sequence))!;
        Assert.True(otherEpoch.Complete);
        Assert.Contains(otherEpoch.Changes, c => c.ApiId == apiId);

        var tooFarBehind = current.Sequence >= ApiCatalogGrain.ChangeLogCapacity
            ? await Catalog.GetChangesSinceAsync(current.Epoch, current.Sequence - ApiCatalogGrain.ChangeLogCapacity - 1)
            : await Catalog.GetChangesSinceAsync(current.Epoch, -5);
        Assert.True(tooFarBehind!.Complete);
        Assert.Contains(tooFarBehind.Changes, c => c.ApiId == apiId);
    }

    [Fact]
    public async Task List_SurvivesANewActivationOfTheCatalog_ThatStartsANewEpoch()
    {
        // Given an API in the catalog.
        var apiId = await NewApiAsync("survive");
        var version = (await fixture.Grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync())!.Version;
        var before = (await Catalog.GetChangesSinceAsync(0, 0))!;

        // When every activation goes (the catalog's included: its list in memory is gone).
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        // Then the catalog, reloaded from its buckets, still lists the API at its version; a reader of the
        // old epoch receives the whole list.
        var after = (await Catalog.GetChangesSinceAsync(before.Epoch, before.Sequence))!;
        if (after.Epoch != before.Epoch)
        {
            Assert.True(after.Complete);
        }

        var all = (await Catalog.GetChangesSinceAsync(0, 0))!;
        Assert.Contains(new ApiVersion(apiId, version), all.Changes);
        Assert.Equal(all.Checksum, all.Changes.Aggregate(0UL, (sum, c) => sum ^ ApiCatalogChecksum.Of(c.ApiId, c.Version)));
    }

    [Fact]
    public async Task FrontEnd_ReloadsOnlyTheSnapshotThatChanged_AndForgetsADeletedApi()
    {
        // Given a front-end that has loaded two APIs.
        var first = await NewApiAsync();
        var second = await NewApiAsync();
        var front = new ApiSnapshotCache(fixture.Grains, NullLogger<ApiSnapshotCache>.Instance);
        await front.PollAsync();
        var secondBefore = (await front.GetAsync(second))!;
        var firstBefore = (await front.GetAsync(first))!;

        // When the first API changes, then is deleted.
        await fixture.Grains.GetGrain<IApiGrain>(first).SetSecurityAsync(null, ["192.0.2.1"]);
        await front.PollAsync();

        // Then the next poll reloads the first and keeps the very same snapshot object of the second.
        var firstAfter = (await front.GetAsync(first))!;
        Assert.True(firstAfter.Version > firstBefore.Version);
        Assert.Equal(["192.0.2.1"], firstAfter.Snapshot.IpRestriction);
        Assert.Same(secondBefore, await front.GetAsync(second));

        await fixture.Grains.GetGrain<IApiGrain>(first).DeleteAsync();
        await front.PollAsync();
        Assert.Null(await front.GetAsync(first));
        Assert.True(front.SinceHeard < 5_000);
    }

    [Fact]
    public async Task ListKeptInOneRecordByAnEarlierVersion_IsMovedIntoTheBuckets_WhenTheCatalogActivates()
    {
        // Given an API, and the catalog's own record holding a list as earlier versions wrote it (here with a
        // version above the API's, to tell where the catalog's answer comes from).
        var apiId = await NewApiAsync("legacy");
        var version = (await fixture.Grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync())!.Version;
        var storage = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().First().SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(ApiSecurity.Grains.StorageNames.Store);
        var catalogId = Catalog.GetGrainId();
        var record = new GrainState<ApiCatalogState>(new ApiCatalogState());
        await storage.ReadStateAsync("api-catalog", catalogId, record);
        record.State = new ApiCatalogState { Versions = { [apiId] = version + 100 }, Generation = 7 };
        await storage.WriteStateAsync("api-catalog", catalogId, record);
        try
        {
            // When the catalog activates anew.
            var before = (await Catalog.GetChangesSinceAsync(0, 0))!;
            await Catalog.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            ApiCatalogChanges after;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the catalog did not activate anew");
                await Task.Delay(50);
                after = (await Catalog.GetChangesSinceAsync(0, 0))!;
            }
            while (after.Epoch == before.Epoch);

            // Then it lists the entry of the old record, and the old record is emptied.
            Assert.Contains(new ApiVersion(apiId, version + 100), after.Changes);
            var reread = new GrainState<ApiCatalogState>(new ApiCatalogState());
            await storage.ReadStateAsync("api-catalog", catalogId, reread);
            Assert.Empty(reread.State!.Versions);
        }
        finally
        {
            await fixture.Grains.GetGrain<IApiGrain>(apiId).DeleteAsync();
        }
    }
}
