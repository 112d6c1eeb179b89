namespace ApiSecurity.Grains.Members;

/// <summary>Persisted state of an email index entry.</summary>
[GenerateSerializer, Alias("EmailIndexState")]
public sealed class EmailIndexState
{
    /// <summary>The member holding this email, or null.</summary>
    [Id(0)] public long? MemberId { get; set; }
}
