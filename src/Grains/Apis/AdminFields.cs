namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The fields an <see cref="AdminError"/> can point at, named by the domain: dotted property paths of the domain
/// types (<see cref="NewEndpoint"/>, <see cref="CorsSettings"/>, <see cref="EndpointSettings"/>, members, static
/// tokens), never wire names. The web front turns them into the names of its JSON bodies in one place
/// (<c>AdminWireFields</c>). A key the user sent is carried verbatim with <see cref="Key"/>.
/// </summary>
public static class AdminFields
{
    /// <summary>An API's or an administrator's name.</summary>
    public const string Name = "Name";

    /// <summary>Whether the API is enabled.</summary>
    public const string Enabled = "Enabled";

    /// <summary>The API's id.</summary>
    public const string ApiId = "ApiId";

    /// <summary>The API's security mode.</summary>
    public const string Mode = "Mode";

    /// <summary>The API's IP allow-list.</summary>
    public const string IpRestriction = "IpRestriction";

    /// <summary>The registered members (a mode's requirement).</summary>
    public const string Members = "Members";

    /// <summary><see cref="CorsSettings.AllowOrigins"/>.</summary>
    public const string CorsAllowOrigins = "Cors.AllowOrigins";

    /// <summary><see cref="CorsSettings.AllowMethods"/>.</summary>
    public const string CorsAllowMethods = "Cors.AllowMethods";

    /// <summary><see cref="CorsSettings.AllowHeaders"/>.</summary>
    public const string CorsAllowHeaders = "Cors.AllowHeaders";

    /// <summary><see cref="CorsSettings.MaxAge"/>.</summary>
    public const string CorsMaxAge = "Cors.MaxAge";

    /// <summary>An endpoint's HTTP method.</summary>
    public const string Method = "Method";

    /// <summary>An endpoint's path.</summary>
    public const string Path = "Path";

    /// <summary>An endpoint's operation category.</summary>
    public const string Category = "Category";

    /// <summary>An endpoint's operation model.</summary>
    public const string Model = "Model";

    /// <summary>An endpoint's operation.</summary>
    public const string Operation = "Operation";

    /// <summary>An endpoint's settings object as a whole.</summary>
    public const string Settings = "Settings";

    /// <summary>A static token's memo.</summary>
    public const string Memo = "Memo";

    /// <summary>When a token expires.</summary>
    public const string ExpiresAt = "ExpiresAt";

    /// <summary>The member a static token acts for.</summary>
    public const string MemberId = "MemberId";

    /// <summary>An administrator's role.</summary>
    public const string Role = "Role";

    /// <summary>A member's email.</summary>
    public const string Email = "Email";

    /// <summary>A member's password.</summary>
    public const string Password = "Password";

    /// <summary>A member's first name.</summary>
    public const string Name1 = "Name1";

    /// <summary>A member's last name.</summary>
    public const string Name2 = "Name2";

    /// <summary>A member's nickname.</summary>
    public const string Nickname = "Nickname";

    /// <summary>A member's groups.</summary>
    public const string Groups = "Groups";

    /// <summary>A confirmation code.</summary>
    public const string Code = "Code";

    /// <summary>How many items a listing returns.</summary>
    public const string Limit = "Limit";

    /// <summary>How many days ahead a listing looks.</summary>
    public const string Days = "Days";

    /// <summary>A property of <see cref="EndpointSettings"/>, e.g. <c>Setting(nameof(EndpointSettings.Auth))</c>.</summary>
    public static string Setting(string property) => $"{Settings}.{property}";

    /// <summary>A property of <see cref="RateLimitSetting"/> (null: the rate limit as a whole).</summary>
    public static string RateLimit(string? property = null) =>
        property is null ? Setting(nameof(EndpointSettings.RateLimit)) : $"{Setting(nameof(EndpointSettings.RateLimit))}.{property}";

    /// <summary>The endpoint bound to <paramref name="operation"/> (a mode's requirement), keyed by the operation's name.</summary>
    public static string EndpointFor(Apis.Operation operation) => Key("Endpoints", operation.Name());

    /// <summary>A key the user sent under <paramref name="path"/>: echoed verbatim, never re-cased.</summary>
    public static string Key(string path, string key) => $"{path}[{key}]";
}
