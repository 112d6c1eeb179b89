using Microsoft.AspNetCore.Identity;

namespace ApiSecurity.Grains.Members;

/// <summary>Password hashing through ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512, salted).</summary>
public static class PasswordHashing
{
    private static readonly PasswordHasher<MemberState> Hasher = new();

    // A hash of a random password, verified against when the email is unknown so both paths cost the same.
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(null!, Security.Secrets.NewSecret()));

    /// <summary>Hashes a password.</summary>
    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <summary>Verifies a password; <paramref name="rehash"/> is true when the hash should be upgraded.</summary>
    public static bool Verify(string hash, string password, out bool rehash)
    {
        var result = Hasher.VerifyHashedPassword(null!, hash, password);
        rehash = result == PasswordVerificationResult.SuccessRehashNeeded;
        return result != PasswordVerificationResult.Failed;
    }

    /// <summary>Spends the time of one verification on a decoy hash.</summary>
    public static void SpendVerificationTime(string password) => Hasher.VerifyHashedPassword(null!, DecoyHash.Value, password);
}
