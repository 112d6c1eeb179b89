namespace ApiSecurity.Hosting.Configuration;

/// <summary>
/// When a silo lets idle grains go (section <c>Silo:Collection</c>): Orleans deactivates a grain that has
/// received no call for its age, and, under memory pressure, the grains idle the longest first. A
/// deactivated grain costs no memory; the next call re-activates it from storage. Keeps a silo's memory
/// proportional to the sessions in use rather than to every session ever issued.
/// </summary>
public sealed class CollectionSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Silo:Collection";

    /// <summary>Default <see cref="SessionAge"/>.</summary>
    public static readonly TimeSpan DefaultSessionAge = TimeSpan.FromMinutes(2);

    /// <summary>Default <see cref="Age"/>.</summary>
    public static readonly TimeSpan DefaultAge = TimeSpan.FromMinutes(30);

    /// <summary>Default <see cref="Quantum"/>.</summary>
    public static readonly TimeSpan DefaultQuantum = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Idle time after which a member's session grain is deactivated (its last-seen times are written
    /// first). A session used again later costs one storage read.
    /// </summary>
    public TimeSpan SessionAge { get; set; } = DefaultSessionAge;

    /// <summary>Idle time after which any other grain (APIs, members, catalog, rate limits) is deactivated.</summary>
    public TimeSpan Age { get; set; } = DefaultAge;

    /// <summary>How often the silo looks for idle grains; a grain goes between its age and its age plus this.</summary>
    public TimeSpan Quantum { get; set; } = DefaultQuantum;

    /// <summary>Deactivate the longest-idle grains when the process uses more than <see cref="MemoryLimitPercentage"/> of its memory.</summary>
    public bool SheddingOnMemoryPressure { get; set; } = true;

    /// <summary>
    /// Memory use (percent of what the .NET GC may use: the container's memory limit,
    /// <c>DOTNET_GCHeapHardLimit</c>, or else the machine's memory) above which idle grains are shed.
    /// </summary>
    public double MemoryLimitPercentage { get; set; } = 80;

    /// <summary>Memory use (percent, as above) that shedding aims to come back down to.</summary>
    public double MemoryTargetPercentage { get; set; } = 70;

    /// <summary>How often memory use is checked for shedding.</summary>
    public TimeSpan MemoryPollingPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws with the offending key when a value cannot be used.</summary>
    public CollectionSettings Validate()
    {
        if (Quantum <= TimeSpan.Zero)
        {
            throw Invalid(nameof(Quantum), "must be greater than zero");
        }

        if (SessionAge <= Quantum)
        {
            throw Invalid(nameof(SessionAge), $"must be longer than {Section}:{nameof(Quantum)} ({Quantum})");
        }

        if (Age <= Quantum)
        {
            throw Invalid(nameof(Age), $"must be longer than {Section}:{nameof(Quantum)} ({Quantum})");
        }

        if (SheddingOnMemoryPressure)
        {
            if (MemoryLimitPercentage is <= 0 or > 100)
            {
                throw Invalid(nameof(MemoryLimitPercentage), "must be above 0 and at most 100");
            }

            if (MemoryTargetPercentage <= 0 || MemoryTargetPercentage >= MemoryLimitPercentage)
            {
                throw Invalid(nameof(MemoryTargetPercentage), $"must be above 0 and below {Section}:{nameof(MemoryLimitPercentage)} ({MemoryLimitPercentage})");
            }

            if (MemoryPollingPeriod <= TimeSpan.Zero)
            {
                throw Invalid(nameof(MemoryPollingPeriod), "must be greater than zero");
            }
        }

        return this;
    }

    private static InvalidOperationException Invalid(string key, string rule) => new($"{Section}:{key} {rule}.");
}
