using Orleans.Concurrency;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// Where the catalog persists its list: <see cref="Count"/> bucket grains, each holding the APIs whose id
/// hashes to it, so that one change writes one bucket (about 1/256 of the list) instead of the whole list.
/// The count is part of the storage layout: changing it would strand the entries of the old buckets.
/// </summary>
public static class ApiCatalogBuckets
{
    /// <summary>The number of buckets.</summary>
    public const int Count = 256;

    /// <summary>The bucket of <paramref name="apiId"/> (a stable hash: the same in every process and version).</summary>
    public static int Of(string apiId)
    {
        var hash = 2166136261u;
        foreach (var c in apiId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Count);
    }
}

/// <summary>One bucket of the catalog's persisted list (key: bucket index). Only the catalog grain calls it.</summary>
[Alias("IApiCatalogBucketGrain")]
public interface IApiCatalogBucketGrain : IGrainWithIntegerKey
{
    /// <summary>Every API of this bucket with its version.</summary>
    [Alias("GetAll")]
    [ReadOnly]
    Task<IReadOnlyDictionary<string, long>> GetAllAsync();

    /// <summary>Persists <paramref name="apiId"/> at <paramref name="version"/> (a lower version than the stored one is ignored).</summary>
    [Alias("Set")]
    Task SetAsync(string apiId, long version);

    /// <summary>Persists the removal of <paramref name="apiId"/>.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string apiId);

    /// <summary>Persists many entries in one write (moving a catalog from the single-record layout of earlier versions).</summary>
    [Alias("Merge")]
    Task MergeAsync(IReadOnlyDictionary<string, long> versions);
}

/// <summary>Persisted state of one catalog bucket.</summary>
[GenerateSerializer, Alias("ApiCatalogBucketState")]
public sealed class ApiCatalogBucketState
{
    /// <summary>apiId → version of each existing API of the bucket.</summary>
    [Id(0)] public Dictionary<string, long> Versions { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IApiCatalogBucketGrain"/>
[GrainType("api-catalog-bucket")]
public sealed class ApiCatalogBucketGrain(
    [PersistentState("api-catalog-bucket", StorageNames.Store)] IPersistentState<ApiCatalogBucketState> state) : Grain, IApiCatalogBucketGrain
{
    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, long>> GetAllAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>(state.State.Versions, StringComparer.Ordinal));

    /// <inheritdoc/>
    public async Task SetAsync(string apiId, long version)
    {
        var had = state.State.Versions.TryGetValue(apiId, out var known);
        if (had && known >= version)
        {
            return;
        }

        state.State.Versions[apiId] = version;
        await WriteAsync(() =>
        {
            if (had)
            {
                state.State.Versions[apiId] = known;
            }
            else
            {
                state.State.Versions.Remove(apiId);
            }
        });
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(string apiId)
    {
        if (state.State.Versions.Remove(apiId, out var known))
        {
            await WriteAsync(() => state.State.Versions[apiId] = known);
        }
    }

    /// <inheritdoc/>
    public async Task MergeAsync(IReadOnlyDictionary<string, long> versions)
    {
        var before = new Dictionary<string, long>(state.State.Versions, StringComparer.Ordinal);
        foreach (var (apiId, version) in versions)
        {
            if (!state.State.Versions.TryGetValue(apiId, out var known) || known < version)
            {
                state.State.Versions[apiId] = version;
            }
        }

        await WriteAsync(() => state.State.Versions = before);
    }

    /// <summary>
    /// Persists a change already applied in memory. When the write fails the change is undone and the activation is
    /// dropped, so the next one reads what the store really holds (the write may have landed although it reported a failure).
    /// </summary>
    private async Task WriteAsync(Action undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
    }
}
