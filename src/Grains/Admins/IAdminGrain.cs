using ApiSecurity.Grains.Apis;
using Orleans.Concurrency;

namespace ApiSecurity.Grains.Admins;

/// <summary>One named administrator and its credentials (key: the admin id).</summary>
[Alias("IAdminGrain")]
public interface IAdminGrain : IGrainWithStringKey
{
    /// <summary>Creates the record; returns null when it already exists.</summary>
    [Alias("Create")]
    Task<AdminInfo?> CreateAsync(string name, AdminRole role);

    /// <summary>The record, or null when it does not exist (or was deleted).</summary>
    [Alias("Get")]
    [ReadOnly]
    Task<AdminInfo?> GetAsync();

    /// <summary>Deletes the record and every credential; returns the record as it was, or null.</summary>
    [Alias("Delete")]
    Task<AdminInfo?> DeleteAsync();

    /// <summary>Issues a credential expiring at <paramref name="expiresAt"/> (Unix seconds, null for never).</summary>
    [Alias("IssueToken")]
    Task<AdminResult<IssuedAdminToken>> IssueTokenAsync(long? expiresAt);

    /// <summary>The live credentials (never their values).</summary>
    [Alias("ListTokens")]
    [ReadOnly]
    Task<IReadOnlyList<AdminTokenInfo>?> ListTokensAsync();

    /// <summary>Revokes one credential; false when there is no such credential.</summary>
    [Alias("RevokeToken")]
    Task<bool> RevokeTokenAsync(string tokenId);

    /// <summary>Who holds the credential with this secret, or null (unknown, expired, revoked, deleted).</summary>
    [Alias("Authenticate")]
    [ReadOnly]
    Task<AdminIdentity?> AuthenticateAsync(string secret);
}
