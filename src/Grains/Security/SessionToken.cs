using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace ApiSecurity.Grains.Security;

/// <summary>
/// A self-routing session token: <c>{memberId}.{secret}.{tag}</c>. The member id names the
/// <see cref="Sessions.IMemberSessionGrain"/> that owns the token, so a front-end can route a
/// validation with no global index; the secret is only known to the client (the grain keeps its hash);
/// the tag is the id of the cluster key and a MAC under it (<see cref="TokenMac"/>), so a front-end
/// refuses a token this cluster did not issue without any grain call. Clients treat the text as opaque.
/// </summary>
public readonly record struct SessionToken(long MemberId, string Secret, byte KeyId, UInt128 Mac)
{
    /// <summary>Bytes of MAC kept in a token (128 bits of HMAC-SHA256).</summary>
    public const int MacBytes = 16;

    /// <summary>Bytes of the tag: one byte of key id, then the MAC.</summary>
    public const int TagBytes = 1 + MacBytes;

    /// <summary>Length of the encoded tag: base64url of <see cref="TagBytes"/> bytes without padding.</summary>
    public const int EncodedTagLength = (TagBytes * 8 + 5) / 6;

    /// <summary>Most digits of a member id in a token.</summary>
    public const int MaxMemberIdDigits = 18;

    /// <summary>
    /// Longest credential text read from a client, of any kind: the longest session token (static
    /// tokens are a bare secret, shorter). Anything longer is refused before it is parsed or hashed.
    /// </summary>
    public const int MaxLength = MaxMemberIdDigits + 1 + Secrets.EncodedSecretLength + 1 + EncodedTagLength;

    /// <summary>The text handed to the client.</summary>
    public override string ToString()
    {
        Span<byte> tag = stackalloc byte[TagBytes];
        tag[0] = KeyId;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(tag[1..], Mac);
        return $"{MemberId}.{Secret}.{Base64Url.EncodeToString(tag)}";
    }

    /// <summary>
    /// Parses token text: false for anything that is not exactly shaped like a token. This checks the
    /// shape only; <see cref="TokenMac.TryRead"/> also checks the MAC, and is what a front-end uses.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out SessionToken token)
    {
        token = default;
        if (text.IsEmpty || text.Length > MaxLength)
        {
            return false;
        }

        var dot = text.IndexOf('.');
        if (dot < 1 || dot > MaxMemberIdDigits)
        {
            return false;
        }

        var idPart = text[..dot];
        foreach (var c in idPart)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        // One token, one spelling: no leading zeros (and the base64url decoder below refuses a tag whose unused
        // bits are set), so the text a front remembers a validation by cannot be varied.
        if (idPart[0] == '0' || !long.TryParse(idPart, NumberStyles.None, CultureInfo.InvariantCulture, out var memberId) || memberId <= 0)
        {
            return false;
        }

        var rest = text[(dot + 1)..];
        if (rest.Length != Secrets.EncodedSecretLength + 1 + EncodedTagLength || rest[Secrets.EncodedSecretLength] != '.')
        {
            return false;
        }

        var secret = rest[..Secrets.EncodedSecretLength];
        var tag = rest[(Secrets.EncodedSecretLength + 1)..];
        Span<byte> tagBytes = stackalloc byte[TagBytes];
        if (!Secrets.IsWellFormedSecret(secret) || !IsBase64Url(tag)
            || Base64Url.DecodeFromChars(tag, tagBytes, out _, out var written) != OperationStatus.Done || written != TagBytes)
        {
            return false;
        }

        token = new SessionToken(memberId, secret.ToString(), tagBytes[0], System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(tagBytes[1..]));
        return true;
    }

    private static bool IsBase64Url(ReadOnlySpan<char> value)
    {
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
