using System.Security.Cryptography;
using System.Text;
using ApiSecurity.Grains.Security;
using Microsoft.Extensions.Configuration;

namespace ApiSecurity.Hosting.Configuration;

/// <summary>
/// The administrator's bearer token (docs/admin-api.md): <c>Admin:Token</c> when configured, otherwise one
/// generated on first start, kept in the data folder (owner-only permissions) and printed once.
/// </summary>
public sealed class AdminToken
{
    /// <summary>File name inside the data folder.</summary>
    public const string FileName = "admin-token";

    /// <summary>Shortest configured token accepted without a warning.</summary>
    public const int MinLength = 16;

    private readonly byte[] _hash;

    private AdminToken(string token) => _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Constant-time check of a presented token.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty || presented.Length > 1024)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Secrets.Hash(presented), _hash);
    }

    /// <summary>Reads or creates the token. Writes the generated value to <paramref name="console"/> once, when it is created.</summary>
    public static AdminToken Resolve(IConfiguration configuration, string dataDirectory, TextWriter console)
    {
        var configured = configuration["Admin:Token"];
        if (!string.IsNullOrEmpty(configured))
        {
            if (configured.Length < MinLength)
            {
                console.WriteLine($"warning: Admin:Token is shorter than {MinLength} characters; use a long random value in production.");
            }

            return new AdminToken(configured);
        }

        var path = Path.Combine(Storage.DataDirectory.Ensure(dataDirectory), FileName);
        if (File.Exists(path))
        {
            Storage.DataDirectory.EnsureOwnerOnlyFile(path);
            var stored = File.ReadAllText(path).Trim();
            if (stored.Length >= MinLength)
            {
                return new AdminToken(stored);
            }
        }

        var token = Secrets.NewSecret();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, new UTF8Encoding(false), options))
        {
            writer.Write(token);
        }

        console.WriteLine($"Generated admin token (stored in {path}; shown only this once): {token}");
        return new AdminToken(token);
    }
}
