namespace ApiSecurity.Grains.Members;

/// <summary>Persisted state of a member.</summary>
[GenerateSerializer, Alias("MemberState")]
public sealed class MemberState
{
    /// <summary>False before registration and after deletion.</summary>
    [Id(0)] public bool Exists { get; set; }

    /// <summary>Email as registered (normalized).</summary>
    [Id(1)] public string Email { get; set; } = string.Empty;

    /// <summary>Password hash (ASP.NET Core Identity format: PBKDF2, salted).</summary>
    [Id(2)] public string PasswordHash { get; set; } = string.Empty;

    /// <summary>First name.</summary>
    [Id(3)] public string Name1 { get; set; } = string.Empty;

    /// <summary>Last name.</summary>
    [Id(4)] public string Name2 { get; set; } = string.Empty;

    /// <summary>Nickname.</summary>
    [Id(5)] public string Nickname { get; set; } = string.Empty;

    /// <summary>Group names.</summary>
    [Id(6)] public List<string> Groups { get; set; } = [];

    /// <summary>Consecutive failed logins since the last success or lockout.</summary>
    [Id(7)] public int FailedLogins { get; set; }

    /// <summary>Locked until this time (Unix seconds), if locked.</summary>
    [Id(8)] public long? LockedUntil { get; set; }

    /// <summary>Registration time (Unix seconds).</summary>
    [Id(9)] public long CreatedAt { get; set; }

    /// <summary>The most recent login attempts, newest last (at most <see cref="LoginAttempt.Kept"/>).</summary>
    [Id(10)] public List<LoginAttempt> LoginHistory { get; set; } = [];

    /// <summary>True when the member proved the address by an e-mailed code at sign-up.</summary>
    [Id(11)] public bool EmailConfirmed { get; set; }

    /// <summary>The TOTP secret of an enrolled second factor, encrypted (AES-GCM under the cluster's <c>mfa</c> key).</summary>
    [Id(12)] public byte[]? MfaSecret { get; set; }

    /// <summary>When the second factor was enrolled (Unix seconds).</summary>
    [Id(13)] public long? MfaEnrolledAt { get; set; }

    /// <summary>The secret of an enrolment waiting for its first code, encrypted like <see cref="MfaSecret"/>.</summary>
    [Id(14)] public byte[]? MfaPendingSecret { get; set; }

    /// <summary>SHA-256 (hex) of the unused recovery codes.</summary>
    [Id(15)] public List<string> MfaRecoveryHashes { get; set; } = [];

    /// <summary>SHA-256 (hex) of the recovery codes of the pending enrolment.</summary>
    [Id(16)] public List<string> MfaPendingRecoveryHashes { get; set; } = [];

    /// <summary>The last TOTP time step accepted: a code works once, and no older code works after it.</summary>
    [Id(17)] public long MfaLastStep { get; set; }

    /// <summary>Logins waiting for their second factor.</summary>
    [Id(18)] public List<MfaTicket> MfaTickets { get; set; } = [];

    /// <summary>The pending password reset by e-mail, if any.</summary>
    [Id(19)] public PasswordResetRecord? Reset { get; set; }

    /// <summary>A change of e-mail address waiting for the code mailed to the new address, or null.</summary>
    [Id(20)] public EmailChangeRecord? EmailChange { get; set; }
}

/// <summary>A login whose password was right, waiting for its second factor (only the token's hash is kept).</summary>
[GenerateSerializer, Alias("MfaTicket")]
public sealed class MfaTicket
{
    /// <summary>SHA-256 (hex) of the token's secret.</summary>
    [Id(0)] public string Hash { get; set; } = string.Empty;

    /// <summary>The API scope the login started on; the token works only there.</summary>
    [Id(1)] public string Scope { get; set; } = string.Empty;

    /// <summary>Expiry (Unix seconds).</summary>
    [Id(2)] public long ExpiresAt { get; set; }

    /// <summary>The login_save flag of the first step.</summary>
    [Id(3)] public bool LoginSave { get; set; }

    /// <summary>Wrong codes presented with this token.</summary>
    [Id(4)] public int Attempts { get; set; }
}

/// <summary>A pending password reset (only hashes are kept).</summary>
[GenerateSerializer, Alias("PasswordResetRecord")]
public sealed class PasswordResetRecord
{
    /// <summary>SHA-256 (hex) of the reset token's secret.</summary>
    [Id(0)] public string TokenHash { get; set; } = string.Empty;

    /// <summary>SHA-256 (hex) of the temporary password (the e-mailed code).</summary>
    [Id(1)] public string CodeHash { get; set; } = string.Empty;

    /// <summary>Expiry (Unix seconds).</summary>
    [Id(2)] public long ExpiresAt { get; set; }

    /// <summary>Wrong attempts so far.</summary>
    [Id(3)] public int Attempts { get; set; }
}

/// <summary>One login attempt of a member: when, from where, and how it ended.</summary>
[GenerateSerializer, Immutable, Alias("LoginAttempt")]
public sealed record LoginAttempt([property: Id(0)] long At, [property: Id(1)] string? ClientIp, [property: Id(2)] LoginStatus Outcome)
{
    /// <summary>How many attempts a member keeps.</summary>
    public const int Kept = 50;
}

/// <summary>A pending change of e-mail address: the new address and the hash of the code mailed to it.</summary>
[GenerateSerializer, Alias("EmailChangeRecord")]
public sealed class EmailChangeRecord
{
    /// <summary>The new address (normalized).</summary>
    [Id(0)] public string NewEmail { get; set; } = string.Empty;

    /// <summary>SHA-256 (hex) of the code.</summary>
    [Id(1)] public string CodeHash { get; set; } = string.Empty;

    /// <summary>Expiry (Unix seconds).</summary>
    [Id(2)] public long ExpiresAt { get; set; }

    /// <summary>Wrong codes so far.</summary>
    [Id(3)] public int Attempts { get; set; }
}
