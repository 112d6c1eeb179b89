using Orleans.Concurrency;

namespace ApiSecurity.Grains.Members;

/// <summary>A member (key: member_id): credentials, profile and lockout state.</summary>
[Alias("IMemberGrain")]
public interface IMemberGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the member; called once by the email index after validation.</summary>
    [Alias("Create")]
    Task<MemberProfile> CreateAsync(string normalizedEmail, NewMember member);

    /// <summary>True when the member exists.</summary>
    [Alias("Exists")]
    [AlwaysInterleave]
    Task<bool> ExistsAsync();

    /// <summary>The profile, or null when the member does not exist.</summary>
    [Alias("GetProfile")]
    [AlwaysInterleave]
    Task<MemberProfile?> GetProfileAsync();

    /// <summary>Checks a password, counting failures and locking the member after too many.</summary>
    [Alias("CheckPassword")]
    Task<LoginStatus> CheckPasswordAsync(string password, string? clientIp);

    /// <summary>The most recent login attempts (newest first), or null when the member does not exist.</summary>
    [Alias("GetLoginHistory"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<LoginAttempt>?> GetLoginHistoryAsync();

    /// <summary>Clears a lockout; false when the member does not exist.</summary>
    [Alias("Unlock")]
    Task<bool> UnlockAsync();

    /// <summary>Deletes the member, its email registration, its sessions and the static tokens bound to it.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();
}
