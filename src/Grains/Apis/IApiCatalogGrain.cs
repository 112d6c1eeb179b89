using Orleans.Concurrency;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The list of APIs and their versions (singleton, key 0): the change feed front-ends poll. Each change
/// is persisted in one of <see cref="ApiCatalogBuckets.Count"/> bucket grains (by a hash of the API id), so a
/// change writes one bucket, not the whole list; front-ends ask for the changes since the sequence number
/// they last saw and receive only the ids that moved (the whole list only when they are too far behind).
/// </summary>
[Alias("IApiCatalogGrain")]
public interface IApiCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Notes that <paramref name="apiId"/> is about to write a change. Until its version arrives (<see cref="SetAsync"/>
    /// or <see cref="RemoveAsync"/>), the catalog's reconciliation asks the API to publish, so a change whose
    /// publication was interrupted still reaches the front-ends.
    /// </summary>
    [Alias("Expect")]
    Task ExpectChangeAsync(string apiId);

    /// <summary>Records that <paramref name="apiId"/> exists at <paramref name="version"/>.</summary>
    [Alias("Set")]
    Task SetAsync(string apiId, long version);

    /// <summary>Records that <paramref name="apiId"/> was deleted.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string apiId);

    /// <summary>
    /// What changed since <paramref name="sequence"/> of <paramref name="epoch"/>: null when nothing did, the changed
    /// ids when the catalog still holds them in its change log, else the whole list (<see cref="ApiCatalogChanges.Complete"/>).
    /// Pass epoch 0 to ask for the whole list.
    /// </summary>
    [Alias("GetChangesSince")]
    [ReadOnly]
    Task<ApiCatalogChanges?> GetChangesSinceAsync(long epoch, long sequence);

    /// <summary>The whole list, whatever its generation. Costs O(APIs): for listings, not for polling.</summary>
    [Alias("GetAll")]
    [ReadOnly]
    Task<ApiCatalogView> GetAllAsync();

    /// <summary>The whole list when its generation differs from <paramref name="knownGeneration"/>, else null. Costs O(APIs): for listings, not for polling.</summary>
    [Alias("GetChanges")]
    [ReadOnly]
    Task<ApiCatalogView?> GetChangesAsync(long knownGeneration);
}

/// <summary>All apiIds with their versions at one generation of the catalog.</summary>
[GenerateSerializer, Immutable, Alias("ApiCatalogView")]
public sealed record ApiCatalogView(
    [property: Id(0)] long Generation,
    [property: Id(1)] IReadOnlyDictionary<string, long> Versions);

/// <summary>
/// An answer to <see cref="IApiCatalogGrain.GetChangesSinceAsync"/>: the catalog at <see cref="Sequence"/> of
/// <see cref="Epoch"/> (a new epoch with every activation of the catalog). <see cref="Changes"/> holds each API that
/// changed since the sequence asked for, with its version (0: deleted), or every API when <see cref="Complete"/>.
/// <see cref="Checksum"/> is <see cref="ApiCatalogChecksum"/> over the whole list, for the reader to verify its copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApiCatalogChanges")]
public sealed record ApiCatalogChanges(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Sequence,
    [property: Id(2)] bool Complete,
    [property: Id(3)] IReadOnlyList<ApiVersion> Changes,
    [property: Id(4)] ulong Checksum);

/// <summary>An API id and its version; version 0 means the API was deleted.</summary>
[GenerateSerializer, Immutable, Alias("ApiVersion")]
public readonly record struct ApiVersion([property: Id(0)] string ApiId, [property: Id(1)] long Version);

/// <summary>
/// An order-independent checksum of a catalog (XOR of a 64-bit FNV-1a hash of each id and version), updated in
/// constant time per change by the catalog and by each front-end's copy.
/// </summary>
public static class ApiCatalogChecksum
{
    /// <summary>The contribution of one entry: XOR it in to add the entry, XOR it again to remove it.</summary>
    public static ulong Of(string apiId, long version)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in apiId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(version >> (8 * i))) * 1099511628211UL;
        }

        return hash;
    }
}
