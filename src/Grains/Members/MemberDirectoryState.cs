namespace ApiSecurity.Grains.Members;

/// <summary>Persisted state of the member directory.</summary>
[GenerateSerializer, Alias("MemberDirectoryState")]
public sealed class MemberDirectoryState
{
    /// <summary>The last id handed out; ids are never reused.</summary>
    [Id(0)] public long LastId { get; set; }

    /// <summary>Ids of registered members.</summary>
    [Id(1)] public SortedSet<long> Members { get; set; } = [];
}
