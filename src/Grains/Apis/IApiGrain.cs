using Orleans.Concurrency;

namespace ApiSecurity.Grains.Apis;

/// <summary>One API (key: apiId): the owner of its mode, IP rules, CORS, endpoints and static-token hashes.</summary>
[Alias("IApiGrain")]
public interface IApiGrain : IGrainWithStringKey
{
    /// <summary>The current configuration, or null when the API does not exist.</summary>
    [Alias("GetSnapshot")]
    [ReadOnly]
    Task<ApiSnapshot?> GetSnapshotAsync();

    /// <summary>Creates the API (mode <c>none</c>) or updates its name and enabled flag. Disabling deletes its static tokens.</summary>
    [Alias("Upsert")]
    Task<AdminResult<ApiUpsert>> UpsertAsync(string? name, bool? enabled);

    /// <summary>Sets the security mode and the IP allow-list; 400 for a bad entry, 409 for an unmet mode requirement.</summary>
    [Alias("SetSecurity")]
    Task<AdminResult<ApiSnapshot>> SetSecurityAsync(string? mode, IReadOnlyList<string>? ipRestriction);

    /// <summary>Sets the CORS settings.</summary>
    [Alias("SetCors")]
    Task<AdminResult<ApiSnapshot>> SetCorsAsync(CorsSettings cors);

    /// <summary>Adds an endpoint.</summary>
    [Alias("AddEndpoint")]
    Task<AdminResult<EndpointDefinition>> AddEndpointAsync(NewEndpoint endpoint);

    /// <summary>
    /// Replaces an endpoint's method, path, operation and settings, keeping its id; the same validation as
    /// <see cref="AddEndpointAsync"/>, and 409 when the change would leave the current mode without an endpoint it needs.
    /// </summary>
    [Alias("UpdateEndpoint")]
    Task<AdminResult<EndpointDefinition>> UpdateEndpointAsync(long endpointId, NewEndpoint endpoint);

    /// <summary>Removes an endpoint, unless the current mode requires it.</summary>
    [Alias("RemoveEndpoint")]
    Task<AdminResult<bool>> RemoveEndpointAsync(long endpointId);

    /// <summary>Issues a static token; its value is returned only here.</summary>
    [Alias("IssueStaticToken")]
    Task<AdminResult<IssuedStaticToken>> IssueStaticTokenAsync(string? memo, long? expiresAt, long? memberId);

    /// <summary>Lists static tokens without their values.</summary>
    [Alias("ListStaticTokens")]
    [ReadOnly]
    Task<AdminResult<IReadOnlyList<StaticTokenInfo>>> ListStaticTokensAsync();

    /// <summary>Revokes one static token.</summary>
    [Alias("RevokeStaticToken")]
    Task<AdminResult<bool>> RevokeStaticTokenAsync(string tokenId);

    /// <summary>Revokes every static token bound to a member (called when the member is deleted).</summary>
    [Alias("RevokeStaticTokensOfMember")]
    Task RevokeStaticTokensOfMemberAsync(long memberId);

    /// <summary>Deletes the API with its endpoints and static tokens.</summary>
    [Alias("Delete")]
    Task<AdminResult<bool>> DeleteAsync();

    /// <summary>
    /// Publishes this API's version to the catalog when the catalog's <paramref name="catalogVersion"/> is
    /// behind it (a change whose publication was interrupted). The catalog's periodic reconciliation calls it.
    /// </summary>
    [Alias("EnsurePublished")]
    Task EnsurePublishedAsync(long catalogVersion);
}

/// <summary>The result of an upsert: the configuration and whether the API was created.</summary>
[GenerateSerializer, Immutable, Alias("ApiUpsert")]
public sealed record ApiUpsert([property: Id(0)] ApiSnapshot Snapshot, [property: Id(1)] bool Created);
