namespace ApiSecurity.Grains.Members;

/// <summary>
/// Bounds on password hashing (configuration section <c>Security:PasswordHashing</c>). Hashing is
/// deliberately slow CPU work; these bounds keep a flood of logins from starving everything else.
/// </summary>
public sealed class PasswordHashingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Security:PasswordHashing";

    /// <summary>Default number of logins that may wait for a hashing slot in one process.</summary>
    public const int DefaultMaxQueueLength = 32;

    /// <summary>
    /// Hashes that may run at once in one process (each on a dedicated thread); 0 (the default)
    /// means half the processors, at least one. Half leaves the other cores to token checks,
    /// request parsing and I/O while logins saturate their share; at least one keeps logins
    /// possible on a single core.
    /// </summary>
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// Hashes that may wait for a slot beyond those running; further requests are refused at once
    /// (logins answer 503 with <c>Retry-After</c>) instead of queueing without bound. The default
    /// of 32 with one ~50 ms hash at a time keeps the longest wait near 2 s on an idle machine, and
    /// inside Orleans' 30 s call timeout even when token checks take most of the CPU (the hashing
    /// threads run at a lower priority).
    /// </summary>
    public int MaxQueueLength { get; set; } = DefaultMaxQueueLength;

    /// <summary>The effective concurrency.</summary>
    public int EffectiveConcurrency => MaxConcurrency > 0 ? MaxConcurrency : Math.Max(1, Environment.ProcessorCount / 2);
}
