using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace ApiSecurity.Grains.Security;

/// <summary>
/// Signs and checks session tokens with the cluster's token keys: the tag of a token is the key id
/// and HMAC-SHA256 (RFC 2104) over <c>{memberId}.{secret}</c>, truncated to 128 bits (RFC 2104 §5).
/// A front-end checks it before any grain call, so a token this cluster did not issue costs one MAC
/// and nothing else: no grain activation, no storage read, no per-member memory. Immutable: a new
/// instance is made when the keys change.
/// </summary>
public sealed class TokenMac
{
    private readonly byte[]?[] _keys = new byte[]?[256];

    /// <summary>Creates a signer over <paramref name="keys"/>; <paramref name="currentKeyId"/> signs new tokens.</summary>
    public TokenMac(IEnumerable<TokenKey> keys, byte currentKeyId)
    {
        foreach (var key in keys)
        {
            if (key.Material.Length != TokenKey.KeyBytes)
            {
                throw new ArgumentException($"Token key {key.Id} is not {TokenKey.KeyBytes} bytes.", nameof(keys));
            }

            _keys[key.Id] = key.Material.ToArray();
        }

        if (_keys[currentKeyId] is null)
        {
            throw new ArgumentException($"The current token key {currentKeyId} is not among the keys.", nameof(currentKeyId));
        }

        CurrentKeyId = currentKeyId;
    }

    /// <summary>The key that signs new tokens.</summary>
    public byte CurrentKeyId { get; }

    /// <summary>Creates a token with a fresh secret for <paramref name="memberId"/>, signed with the current key.</summary>
    public SessionToken Create(long memberId)
    {
        var secret = Secrets.NewSecret();
        return new SessionToken(memberId, secret, CurrentKeyId, Compute(_keys[CurrentKeyId]!, memberId, secret));
    }

    /// <summary>True when the token's MAC is right under a key this cluster holds (constant-time comparison).</summary>
    public bool IsAuthentic(in SessionToken token)
    {
        if (_keys[token.KeyId] is not { } key)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[SessionToken.MacBytes];
        Span<byte> presented = stackalloc byte[SessionToken.MacBytes];
        BinaryPrimitives.WriteUInt128BigEndian(expected, Compute(key, token.MemberId, token.Secret));
        BinaryPrimitives.WriteUInt128BigEndian(presented, token.Mac);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>Parses token text and checks its MAC; false for anything this cluster did not issue.</summary>
    public bool TryRead(ReadOnlySpan<char> text, out SessionToken token)
    {
        if (SessionToken.TryParse(text, out token) && IsAuthentic(token))
        {
            return true;
        }

        token = default;
        return false;
    }

    private static UInt128 Compute(byte[] key, long memberId, string secret)
    {
        // "{memberId}.{secret}" in ASCII: at most 19 digits, a dot and the 43-character secret.
        Span<byte> message = stackalloc byte[20 + Secrets.EncodedSecretLength];
        memberId.TryFormat(message, out var length, default, CultureInfo.InvariantCulture);
        message[length++] = (byte)'.';
        foreach (var c in secret)
        {
            message[length++] = (byte)c;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = KeyedHmac(key);
        hmac.AppendData(message[..length]);
        hmac.GetHashAndReset(mac);
        return BinaryPrimitives.ReadUInt128BigEndian(mac);
    }

    // One keyed HMAC per thread and key: resetting it keeps the key's inner and outer pads, so a check
    // costs two SHA-256 blocks instead of four (a forged token is refused for little more than a hash).
    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    [ThreadStatic]
    private static byte[]? t_hmacKey;

    private static IncrementalHash KeyedHmac(byte[] key)
    {
        if (t_hmac is null || !ReferenceEquals(t_hmacKey, key))
        {
            t_hmac?.Dispose();
            t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            t_hmacKey = key;
        }

        return t_hmac;
    }
}
