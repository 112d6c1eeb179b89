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

    /// <summary>
    /// Checks a password for a login on <paramref name="scope"/>, as <see cref="CheckPasswordAsync"/>
    /// does; when it is right and the member has a second factor, answers
    /// <see cref="LoginStatus.MfaRequired"/> with a token for <see cref="CompleteMfaLoginAsync"/>.
    /// </summary>
    [Alias("Login")]
    Task<LoginResult> LoginAsync(string password, string? clientIp, string scope, bool loginSave);

    /// <summary>Records that the member proved its e-mail address (sign-up with confirmation).</summary>
    [Alias("MarkEmailConfirmed")]
    Task MarkEmailConfirmedAsync();

    /// <summary>Changes the password after checking the current one, then ends every login but <paramref name="keepLoginId"/>.</summary>
    [Alias("ChangePassword")]
    Task<SelfServiceStatus> ChangePasswordAsync(string currentPassword, string newPassword, string? clientIp, string? keepLoginId);

    /// <summary>
    /// Starts a change of e-mail address with the current password: keeps the new address with a new
    /// code (replacing an earlier pending change) unless another member holds it.
    /// </summary>
    [Alias("BeginEmailChange")]
    Task<EmailChangeStart> BeginEmailChangeAsync(string newEmail, string currentPassword, string? clientIp);

    /// <summary>Finishes a pending e-mail change with the mailed code; WrongCode when wrong, expired or the address was taken meanwhile.</summary>
    [Alias("ConfirmEmailChange")]
    Task<SelfServiceStatus> ConfirmEmailChangeAsync(string code);

    /// <summary>Changes the member's own names and e-mail (the e-mail only with the current password).</summary>
    [Alias("UpdateProfile")]
    Task<SelfServiceStatus> UpdateProfileAsync(ProfileChange change, string? clientIp);

    /// <summary>Deletes the member after checking its password (see <see cref="DeleteAsync"/>).</summary>
    [Alias("DeleteSelf")]
    Task<SelfServiceStatus> DeleteSelfAsync(string currentPassword, string? clientIp);

    /// <summary>Starts a password reset: a reset token and a one-time code (30 minutes), null when the member does not exist.</summary>
    [Alias("StartPasswordReset")]
    Task<PasswordResetCodes?> StartPasswordResetAsync();

    /// <summary>Finishes a password reset: sets the password, clears the lockout and ends every login.</summary>
    [Alias("FinishPasswordReset")]
    Task<SelfServiceStatus> FinishPasswordResetAsync(string tokenSecret, string code, string newPassword);

    /// <summary>Starts a second-factor enrolment; null when one is already enrolled or the member does not exist.</summary>
    [Alias("BeginMfaEnrolment")]
    Task<MfaEnrolment?> BeginMfaEnrolmentAsync(string issuer);

    /// <summary>Finishes the pending enrolment with a first code from the authenticator.</summary>
    [Alias("ConfirmMfaEnrolment")]
    Task<SelfServiceStatus> ConfirmMfaEnrolmentAsync(string code, string? clientIp);

    /// <summary>Removes the second factor after checking the password.</summary>
    [Alias("DisableMfa")]
    Task<SelfServiceStatus> DisableMfaAsync(string currentPassword, string? clientIp);

    /// <summary>The second step of a two-factor login: the token from <see cref="LoginAsync"/> and a TOTP or recovery code.</summary>
    [Alias("CompleteMfaLogin")]
    Task<MfaLoginResult> CompleteMfaLoginAsync(string tokenSecret, string scope, string code, string? clientIp);

    /// <summary>The second factor's state; null when the member does not exist.</summary>
    [Alias("GetMfaStatus"), ReadOnly]
    Task<MfaStatus?> GetMfaStatusAsync();

    /// <summary>Removes the second factor (administrator); false when the member does not exist.</summary>
    [Alias("ResetMfa")]
    Task<bool> ResetMfaAsync();
}
