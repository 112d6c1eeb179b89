namespace ApiSecurity.Grains.Members;

/// <summary>The outcome of a member's own change (password, profile, deletion, second factor).</summary>
[GenerateSerializer, Alias("SelfServiceStatus")]
public enum SelfServiceStatus
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>The member does not exist (any more).</summary>
    NotFound = 1,

    /// <summary>The current password was wrong (counted toward the lockout).</summary>
    WrongPassword = 2,

    /// <summary>The member is locked out after too many failures.</summary>
    LockedOut = 3,

    /// <summary>A one-time code, reset token or second-factor code was wrong, used or expired.</summary>
    WrongCode = 4,

    /// <summary>The new e-mail address belongs to another member.</summary>
    EmailTaken = 5,

    /// <summary>The request does not fit the member's state (e.g. enrolling a second factor twice).</summary>
    Conflict = 6,
}

/// <summary>A member's own profile change; null fields stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("ProfileChange")]
public sealed record ProfileChange(
    [property: Id(0)] string? Name1,
    [property: Id(1)] string? Name2,
    [property: Id(2)] string? Nickname,
    [property: Id(3)] string? Email,
    [property: Id(4)] string? CurrentPassword);

/// <summary>What a password-reset e-mail carries: the reset token and the one-time code (only their hashes are kept).</summary>
[GenerateSerializer, Immutable, Alias("PasswordResetCodes")]
public sealed record PasswordResetCodes(
    [property: Id(0)] string Email,
    [property: Id(1)] string Token,
    [property: Id(2)] string Code,
    [property: Id(3)] long ExpiresAt);

/// <summary>A second-factor enrolment waiting for its first code: the secret and recovery codes, shown once.</summary>
[GenerateSerializer, Immutable, Alias("MfaEnrolment")]
public sealed record MfaEnrolment(
    [property: Id(0)] string OtpauthUri,
    [property: Id(1)] IReadOnlyList<string> RecoveryCodes);

/// <summary>The outcome of the second step of a two-factor login.</summary>
[GenerateSerializer, Immutable, Alias("MfaLoginResult")]
public sealed record MfaLoginResult(
    [property: Id(0)] SelfServiceStatus Status,
    [property: Id(1)] bool LoginSave);

/// <summary>A member's second factor as an administrator sees it.</summary>
[GenerateSerializer, Immutable, Alias("MfaStatus")]
public sealed record MfaStatus(
    [property: Id(0)] bool Enrolled,
    [property: Id(1)] long? EnrolledAt,
    [property: Id(2)] bool Pending,
    [property: Id(3)] int RecoveryCodesLeft);

/// <summary>The start of a sign-up that waits for e-mail confirmation.</summary>
[GenerateSerializer, Immutable, Alias("ConfirmationStart")]
public sealed record ConfirmationStart(
    [property: Id(0)] bool AlreadyRegistered,
    [property: Id(1)] string? Code,
    [property: Id(2)] long ExpiresAt);

/// <summary>
/// The start of an e-mail change: <see cref="Code"/> to mail to the new address, or null when the
/// address belongs to another member (a notice is mailed instead; the caller's answer is the same).
/// </summary>
[GenerateSerializer, Immutable, Alias("EmailChangeStart")]
public sealed record EmailChangeStart(
    [property: Id(0)] SelfServiceStatus Status,
    [property: Id(1)] string? Code,
    [property: Id(2)] long ExpiresAt);
