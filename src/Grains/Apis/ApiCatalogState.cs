namespace ApiSecurity.Grains.Apis;

/// <summary>Persisted state of the API catalog.</summary>
[GenerateSerializer, Alias("ApiCatalogState")]
public sealed class ApiCatalogState
{
    /// <summary>apiId → version of each existing API.</summary>
    [Id(0)] public Dictionary<string, long> Versions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Grows on every change.</summary>
    [Id(1)] public long Generation { get; set; }
}
