using ApiSecurity.Grains.Apis;
using Orleans.Concurrency;

namespace ApiSecurity.Grains.Admins;

/// <summary>The list of named administrators (singleton, key 0); each record's credentials live in its <see cref="IAdminGrain"/>.</summary>
[Alias("IAdminDirectoryGrain")]
public interface IAdminDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Creates an administrator with a new id (400 on a bad name, 409 when the name is taken).</summary>
    [Alias("Create")]
    Task<AdminResult<AdminInfo>> CreateAsync(string? name, string? role);

    /// <summary>Every administrator, by name.</summary>
    [Alias("List")]
    [ReadOnly]
    Task<IReadOnlyList<AdminInfo>> ListAsync();

    /// <summary>Deletes an administrator and its credentials; returns the record as it was, or null.</summary>
    [Alias("Delete")]
    Task<AdminInfo?> DeleteAsync(string adminId);
}
