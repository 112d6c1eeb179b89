namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The catalog's own record. Earlier versions kept the whole list here, rewritten on every change; the list now
/// lives in <see cref="ApiCatalogBucketGrain"/>s, and a list still found here is moved into them when the catalog activates.
/// </summary>
[GenerateSerializer, Alias("ApiCatalogState")]
public sealed class ApiCatalogState
{
    /// <summary>apiId → version (earlier versions only; empty once moved to the buckets).</summary>
    [Id(0)] public Dictionary<string, long> Versions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Earlier versions only.</summary>
    [Id(1)] public long Generation { get; set; }
}
