using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>
/// A web front as shipped, plus what a user adds to send e-mail: <c>Smtp:Host</c>, <c>Smtp:Port</c>
/// and <c>Smtp:From</c> pointing at a real SMTP server on loopback (<see cref="SmtpSink"/>).
/// </summary>
public sealed class SelfServiceFixture : IAsyncLifetime
{
    public SmtpSink Smtp { get; private set; } = null!;

    public WebFrontHost Host { get; private set; } = null!;

    public Admin Admin { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Smtp = SmtpSink.Start();
        Host = await WebFrontHost.StartAsync(settings: Smtp.Settings());
        Admin = new Admin(Host.CreateClient(admin: true));
        Client = Host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SelfServiceCollection : ICollectionFixture<SelfServiceFixture>
{
    public const string Name = "self-service";
}

/// <summary>What a test reads out of e-mails and computes from an <c>otpauth://</c> URI, independently of the product's code.</summary>
public static partial class MemberCodes
{
    /// <summary>The value after <c>{label}:</c> on a line of the message's text.</summary>
    public static string Field(MimeKit.MimeMessage message, string label)
    {
        var match = Regex.Match(message.TextBody ?? string.Empty, $@"^\s*{Regex.Escape(label)}:\s*(\S+)\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no '{label}:' line in:\n{message.TextBody}");
        return match.Groups[1].Value;
    }

    /// <summary>The base32 secret of an <c>otpauth://totp/…?secret=…</c> URI.</summary>
    public static byte[] SecretOf(string otpauthUri)
    {
        var match = SecretParameter().Match(otpauthUri);
        Assert.True(match.Success, otpauthUri);
        return Base32Decode(Uri.UnescapeDataString(match.Groups[1].Value));
    }

    /// <summary>RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) at <paramref name="at"/>, written here from the RFC.</summary>
    public static string Totp(byte[] secret, DateTimeOffset at)
    {
        var counter = at.ToUnixTimeSeconds() / 30;
        Span<byte> message = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(message, counter);
        var hash = HMACSHA1.HashData(secret, message);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex("[?&]secret=([^&]+)")]
    private static partial Regex SecretParameter();
}
