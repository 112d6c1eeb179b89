namespace ApiSecurity.Grains.Admins;

/// <summary>What a named administrator may do.</summary>
[GenerateSerializer, Alias("AdminRole")]
public enum AdminRole
{
    /// <summary>Reads only.</summary>
    Viewer = 0,

    /// <summary>Reads, and changes members and their sessions; not API security nor administrators.</summary>
    Operator = 1,

    /// <summary>Every call.</summary>
    Admin = 2,
}

/// <summary>Wire names of <see cref="AdminRole"/>.</summary>
public static class AdminRoles
{
    /// <summary>The wire name (<c>admin</c>, <c>operator</c>, <c>viewer</c>).</summary>
    public static string ToWire(this AdminRole role) => role switch
    {
        AdminRole.Admin => "admin",
        AdminRole.Operator => "operator",
        _ => "viewer",
    };

    /// <summary>Parses a wire name; false for anything else.</summary>
    public static bool TryParse(string? text, out AdminRole role)
    {
        switch (text)
        {
            case "admin":
                role = AdminRole.Admin;
                return true;
            case "operator":
                role = AdminRole.Operator;
                return true;
            case "viewer":
                role = AdminRole.Viewer;
                return true;
            default:
                role = AdminRole.Viewer;
                return false;
        }
    }
}

/// <summary>A named administrator.</summary>
[GenerateSerializer, Immutable, Alias("AdminInfo")]
public sealed record AdminInfo(
    [property: Id(0)] string AdminId,
    [property: Id(1)] string Name,
    [property: Id(2)] AdminRole Role,
    [property: Id(3)] long CreatedAt,
    [property: Id(4)] bool Disabled);

/// <summary>One credential of an administrator, never with its value.</summary>
[GenerateSerializer, Immutable, Alias("AdminTokenInfo")]
public sealed record AdminTokenInfo(
    [property: Id(0)] string TokenId,
    [property: Id(1)] long CreatedAt,
    [property: Id(2)] long? ExpiresAt);

/// <summary>A newly issued credential: its value is returned once and stored only as a SHA-256 hash.</summary>
[GenerateSerializer, Immutable, Alias("IssuedAdminToken")]
public sealed record IssuedAdminToken(
    [property: Id(0)] AdminTokenInfo Info,
    [property: Id(1)] string Value);

/// <summary>Who a presented credential belongs to.</summary>
[GenerateSerializer, Immutable, Alias("AdminIdentity")]
public sealed record AdminIdentity(
    [property: Id(0)] string AdminId,
    [property: Id(1)] string Name,
    [property: Id(2)] AdminRole Role,
    [property: Id(3)] string CredentialId);

/// <summary>
/// The text form of an administrator's token, <c>adm_{adminId}.{secret}</c>: it names its own record, so the
/// front asks that one grain and no global index of token hashes has to exist or be kept consistent.
/// </summary>
public static class AdminTokenFormat
{
    /// <summary>The prefix of every named admin token.</summary>
    public const string Prefix = "adm_";

    /// <summary>Builds the token text.</summary>
    public static string Format(string adminId, string secret) => $"{Prefix}{adminId}.{secret}";

    /// <summary>Splits a presented token; false when it is not in the named-admin form.</summary>
    public static bool TryParse(string presented, out string adminId, out string secret)
    {
        adminId = string.Empty;
        secret = string.Empty;
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return false;
        }

        var dot = presented.IndexOf('.', Prefix.Length);
        if (dot < 0)
        {
            return false;
        }

        var id = presented[Prefix.Length..dot];
        if (!IsAdminId(id))
        {
            return false;
        }

        adminId = id;
        secret = presented[(dot + 1)..];
        return secret.Length > 0;
    }

    /// <summary>True for an administrator id as generated here: 16 lowercase hex digits.</summary>
    public static bool IsAdminId(string id) =>
        id.Length == 16 && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
