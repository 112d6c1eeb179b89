using Orleans.Concurrency;

namespace ApiSecurity.Grains.Apis;

/// <summary>The list of APIs and their versions (singleton, key 0): the change feed front-ends poll.</summary>
[Alias("IApiCatalogGrain")]
public interface IApiCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Records that <paramref name="apiId"/> exists at <paramref name="version"/>.</summary>
    [Alias("Set")]
    Task SetAsync(string apiId, long version);

    /// <summary>Records that <paramref name="apiId"/> was deleted.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string apiId);

    /// <summary>The catalog when its generation differs from <paramref name="knownGeneration"/>, else null.</summary>
    [Alias("GetChanges")]
    [ReadOnly]
    Task<ApiCatalogView?> GetChangesAsync(long knownGeneration);
}

/// <summary>All apiIds with their versions at one generation of the catalog.</summary>
[GenerateSerializer, Immutable, Alias("ApiCatalogView")]
public sealed record ApiCatalogView(
    [property: Id(0)] long Generation,
    [property: Id(1)] IReadOnlyDictionary<string, long> Versions);
