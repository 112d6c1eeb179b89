using Orleans.Concurrency;

namespace ApiSecurity.Grains.Members;

/// <summary>A member (key: member_id): credentials, profile and lockout state.</summary>
[Alias("IMemberGrain")]
public interface IMemberGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Creates the member; called once by the email index after validation, with the password
    /// already hashed (the password in <paramref name="member"/> is ignored).
    /// </summary>
    [Alias("CreateWithHash")]
    Task<MemberProfile> CreateAsync(string normalizedEmail, NewMember member, string passwordHash);

    /// <summary>True when the member exists.</summary>
    [Alias("Exists")]
    [AlwaysInterleave]
    Task<bool> ExistsAsync();

    /// <summary>The profile, or null when the member does not exist.</summary>
    [Alias("GetProfile")]
    [AlwaysInterleave]
    Task<MemberProfile?> GetProfileAsync();

    /// <summary>
    /// Checks a password, counting failures and locking the member after too many. A member that
    /// does not exist (the decoys that unknown emails are sent to) does the same work and fails.
    /// Throws <see cref="PasswordHashingBusyException"/> when the hashing queue is full.
    /// </summary>
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
