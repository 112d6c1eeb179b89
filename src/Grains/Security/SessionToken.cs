namespace ApiSecurity.Grains.Security;

/// <summary>
/// A self-routing session token: <c>{memberId}.{secret}</c>. The member id names the
/// <see cref="Sessions.IMemberSessionGrain"/> that owns the token, so a front-end can route a
/// validation with no global index; the secret is only known to the client (the grain keeps its hash).
/// </summary>
public readonly record struct SessionToken(long MemberId, string Secret)
{
    /// <summary>Longest accepted token text; anything longer is rejected before parsing.</summary>
    public const int MaxLength = 64;

    /// <summary>The text handed to the client.</summary>
    public override string ToString() => $"{MemberId}.{Secret}";

    /// <summary>Creates a token with a fresh secret for <paramref name="memberId"/>.</summary>
    public static SessionToken Create(long memberId) => new(memberId, Secrets.NewSecret());

    /// <summary>Parses token text; false for anything that is not exactly a token (no grain is called then).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out SessionToken token)
    {
        token = default;
        if (text.IsEmpty || text.Length > MaxLength)
        {
            return false;
        }

        var dot = text.IndexOf('.');
        if (dot is < 1 or > 18)
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

        if (!long.TryParse(idPart, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var memberId) || memberId <= 0)
        {
            return false;
        }

        var secret = text[(dot + 1)..];
        if (!Secrets.IsWellFormedSecret(secret))
        {
            return false;
        }

        token = new SessionToken(memberId, secret.ToString());
        return true;
    }
}
