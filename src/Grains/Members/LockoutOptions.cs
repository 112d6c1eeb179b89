namespace ApiSecurity.Grains.Members;

/// <summary>Lockout after repeated failed logins. Configuration section <c>Security:Lockout</c>.</summary>
public sealed class LockoutOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Security:Lockout";

    /// <summary>Default number of consecutive failures that locks a member.</summary>
    public const int DefaultMaxFailedAttempts = 5;

    /// <summary>Consecutive failed logins that lock the member.</summary>
    public int MaxFailedAttempts { get; set; } = DefaultMaxFailedAttempts;

    /// <summary>How long a lockout lasts.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromHours(1);
}
