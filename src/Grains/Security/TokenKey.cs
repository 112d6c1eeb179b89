using System.Security.Cryptography;

namespace ApiSecurity.Grains.Security;

/// <summary>A key the cluster signs session tokens with (see <see cref="TokenMac"/>).</summary>
/// <param name="Id">The id written into every token signed with it.</param>
/// <param name="Material">256 bits from the OS CSPRNG.</param>
/// <param name="CreatedAt">Creation time (Unix seconds).</param>
/// <param name="SignsFrom">From when it signs new tokens (Unix seconds); before that it is only accepted.</param>
[GenerateSerializer, Immutable, Alias("TokenKey")]
public sealed record TokenKey(
    [property: Id(0)] byte Id,
    [property: Id(1)] byte[] Material,
    [property: Id(2)] long CreatedAt,
    [property: Id(3)] long SignsFrom)
{
    /// <summary>Bytes of key material (HMAC-SHA256 with a key as long as its output).</summary>
    public const int KeyBytes = 32;

    /// <summary>A new random key.</summary>
    public static TokenKey Create(byte id, long now, long signsFrom) =>
        new(id, RandomNumberGenerator.GetBytes(KeyBytes), now, signsFrom);
}

/// <summary>The cluster's token keys, oldest first.</summary>
[GenerateSerializer, Immutable, Alias("TokenKeySet")]
public sealed record TokenKeySet([property: Id(0)] IReadOnlyList<TokenKey> Keys)
{
    /// <summary>The key that signs new tokens at <paramref name="now"/>: the newest whose time has come.</summary>
    public TokenKey SigningKey(long now) =>
        Keys.Where(k => k.SignsFrom <= now).MaxBy(k => k.SignsFrom) ?? Keys[0];
}
