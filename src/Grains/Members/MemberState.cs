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
}

/// <summary>One login attempt of a member: when, from where, and how it ended.</summary>
[GenerateSerializer, Immutable, Alias("LoginAttempt")]
public sealed record LoginAttempt([property: Id(0)] long At, [property: Id(1)] string? ClientIp, [property: Id(2)] LoginStatus Outcome)
{
    /// <summary>How many attempts a member keeps.</summary>
    public const int Kept = 50;
}
