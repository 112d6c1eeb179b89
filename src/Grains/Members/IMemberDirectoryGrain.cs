using Orleans.Concurrency;

namespace ApiSecurity.Grains.Members;

/// <summary>The registry of member ids (singleton, key 0): allocates ids and counts members.</summary>
[Alias("IMemberDirectoryGrain")]
public interface IMemberDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Allocates a new member id and records it as registered.</summary>
    [Alias("Allocate")]
    Task<long> AllocateAsync();

    /// <summary>Forgets a member id (deletion).</summary>
    [Alias("Remove")]
    Task RemoveAsync(long memberId);

    /// <summary>Number of registered members.</summary>
    [Alias("Count")]
    [AlwaysInterleave]
    Task<int> CountAsync();

    /// <summary>Registered member ids in ascending order, paged.</summary>
    [Alias("List")]
    [AlwaysInterleave]
    Task<IReadOnlyList<long>> ListAsync(int offset, int limit);
}
