namespace ApiSecurity.Grains.Security;

/// <summary>Persisted state of <see cref="TokenKeyGrain"/>.</summary>
[GenerateSerializer, Alias("TokenKeyState")]
public sealed class TokenKeyState
{
    /// <summary>The keys, oldest first.</summary>
    [Id(0)] public List<TokenKey> Keys { get; set; } = [];
}
