using System.Security.Cryptography;
using ApiSecurity.Grains.Security;

namespace ApiSecurity.Grains.Members;

/// <summary>
/// Short one-time codes a person types from an e-mail or a recovery sheet: 10 characters from an
/// alphabet without look-alikes (0/O, 1/I/L), 50 random bits, shown as <c>ABCDE-FGHJK</c>. Only their
/// SHA-256 is stored; 50 bits and a handful of allowed attempts make guessing hopeless, and a stolen
/// hash is worth nothing once the code expires or is used.
/// </summary>
public static class OneTimeCodes
{
    /// <summary>How long an e-mailed code stays valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>Wrong attempts after which a code is dropped.</summary>
    public const int MaxAttempts = 5;

    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private const int Length = 10;

    /// <summary>A new code, formatted for reading.</summary>
    public static string New()
    {
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return $"{chars[..5]}-{chars[5..]}";
    }

    /// <summary>The stored form of a code: SHA-256 (hex) of its normalized text; null for input that cannot be a code.</summary>
    public static string? Hash(string? code)
    {
        if (code is null || code.Length > 64)
        {
            return null;
        }

        // Forgiving about what a person types: case, spaces and dashes do not matter.
        var normalized = new string(code.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());
        return normalized.Length == Length ? Secrets.HashKey(normalized) : null;
    }

    /// <summary>Constant-time comparison of two stored forms.</summary>
    public static bool Matches(string? presentedHash, string? storedHash) =>
        presentedHash is not null && storedHash is not null && presentedHash.Length == storedHash.Length
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(presentedHash), System.Text.Encoding.ASCII.GetBytes(storedHash));
}
