using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ApiSecurity.Grains.Security;

/// <summary>
/// Creation, hashing and comparison of opaque secrets. Secrets are 256 bits from the OS CSPRNG,
/// encoded base64url; only their SHA-256 is ever stored.
/// </summary>
public static class Secrets
{
    /// <summary>Bytes of randomness in every secret (256 bits; see docs/security.md).</summary>
    public const int SecretBytes = 32;

    /// <summary>Length of an encoded secret: base64url of 32 bytes without padding.</summary>
    public const int EncodedSecretLength = 43;

    /// <summary>Returns a new random secret, base64url encoded.</summary>
    public static string NewSecret()
    {
        Span<byte> bytes = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Returns a short random identifier (96 bits) for records that are not secrets.</summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Writes SHA-256 of the UTF-8 bytes of <paramref name="secret"/> (at most 512 characters) into 32 bytes.</summary>
    public static void Hash(ReadOnlySpan<char> secret, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(secret.Length, 512);
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var written = Encoding.UTF8.GetBytes(secret, utf8);
        SHA256.HashData(utf8[..written], destination);
    }

    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="secret"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(secret.Length, 512))];
        if (secret.Length > 512)
        {
            return SHA256.HashData(Encoding.UTF8.GetBytes(secret.ToString()));
        }

        var written = Encoding.UTF8.GetBytes(secret, utf8);
        return SHA256.HashData(utf8[..written]);
    }

    /// <summary>The hash as a lookup key (lowercase hex).</summary>
    public static string HashKey(ReadOnlySpan<char> secret) => Convert.ToHexStringLower(Hash(secret));

    /// <summary>Constant-time comparison of two hashes.</summary>
    public static bool HashesEqual(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);

    /// <summary>True when <paramref name="value"/> looks like an encoded secret (base64url, exact length).</summary>
    public static bool IsWellFormedSecret(ReadOnlySpan<char> value)
    {
        if (value.Length != EncodedSecretLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
