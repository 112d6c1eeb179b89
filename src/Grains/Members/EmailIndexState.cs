namespace ApiSecurity.Grains.Members;

/// <summary>Persisted state of an email index entry.</summary>
[GenerateSerializer, Alias("EmailIndexState")]
public sealed class EmailIndexState
{
    /// <summary>The member holding this email, or null.</summary>
    [Id(0)] public long? MemberId { get; set; }

    /// <summary>A sign-up waiting for its e-mailed confirmation code, or null.</summary>
    [Id(1)] public PendingRegistration? Pending { get; set; }
}

/// <summary>A sign-up waiting for confirmation: the member's fields with the password already hashed, and the code's hash.</summary>
[GenerateSerializer, Alias("PendingRegistration")]
public sealed class PendingRegistration
{
    /// <summary>SHA-256 (hex) of the confirmation code.</summary>
    [Id(0)] public string CodeHash { get; set; } = string.Empty;

    /// <summary>Expiry (Unix seconds).</summary>
    [Id(1)] public long ExpiresAt { get; set; }

    /// <summary>Wrong codes so far.</summary>
    [Id(2)] public int Attempts { get; set; }

    /// <summary>The registration, without its password.</summary>
    [Id(3)] public NewMember Member { get; set; } = new(null, null, null, null, null, null);

    /// <summary>The password hash.</summary>
    [Id(4)] public string PasswordHash { get; set; } = string.Empty;
}
