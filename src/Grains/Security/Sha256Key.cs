using System.Runtime.InteropServices;

namespace ApiSecurity.Grains.Security;

/// <summary>A SHA-256 digest as a value, for lookups without allocating a string per request.</summary>
public readonly record struct Sha256Key(ulong W0, ulong W1, ulong W2, ulong W3)
{
    /// <summary>The key of a 32-byte digest.</summary>
    public static Sha256Key From(ReadOnlySpan<byte> digest)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(digest[..32]);
        return new Sha256Key(words[0], words[1], words[2], words[3]);
    }

    /// <summary>The key of SHA-256 of the UTF-8 bytes of <paramref name="secret"/> (at most 512 characters).</summary>
    public static Sha256Key Of(ReadOnlySpan<char> secret)
    {
        Span<byte> digest = stackalloc byte[32];
        Secrets.Hash(secret, digest);
        return From(digest);
    }
}
