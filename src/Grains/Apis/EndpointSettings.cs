using System.Text.Json;
using ApiSecurity.Grains.Members;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The typed settings of an endpoint, parsed from its <c>settings</c> JSON object. Unknown keys are
/// kept in the stored JSON but ignored. Keys and defaults: docs/endpoints.md. The API grain parses them once and
/// hands them to the web fronts in the snapshot (<see cref="ApiSnapshot.EndpointSettings"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("EndpointSettings")]
public sealed class EndpointSettings
{
    /// <summary>Default grant token lifetime in seconds.</summary>
    public const int DefaultGrantTokenLifespan = 300;

    /// <summary>Default access token lifetime in seconds.</summary>
    public const int DefaultAccessTokenLifespan = 3600;

    /// <summary>Default refresh token lifetime in seconds.</summary>
    public const int DefaultRefreshTokenLifespan = 604800;

    /// <summary>Default idle timeout of a cookie session in seconds.</summary>
    public const int DefaultSessionIdleTimeout = 1800;

    /// <summary>Default absolute lifetime of a cookie session in seconds.</summary>
    public const int DefaultSessionLifetime = 86400;

    /// <summary>Default lifetime of the auto-login (<c>login_save</c>) cookie in seconds.</summary>
    public const int DefaultLoginSaveLifetime = 2592000;

    private const int MaxLifespan = 10 * 366 * 86400;

    /// <summary><c>grant_token_lifespan</c> (login_challenge).</summary>
    [Id(0)] public int GrantTokenLifespan { get; private init; } = DefaultGrantTokenLifespan;

    /// <summary><c>access_token_lifespan</c> (token).</summary>
    [Id(1)] public int AccessTokenLifespan { get; private init; } = DefaultAccessTokenLifespan;

    /// <summary><c>refresh_token_lifespan</c> (token).</summary>
    [Id(2)] public int RefreshTokenLifespan { get; private init; } = DefaultRefreshTokenLifespan;

    /// <summary><c>use_refresh_token</c> (token).</summary>
    [Id(3)] public bool UseRefreshToken { get; private init; } = true;

    /// <summary><c>rotate_refresh_token</c> (token).</summary>
    [Id(4)] public bool RotateRefreshToken { get; private init; }

    /// <summary><c>document</c> (Content / Document / get): the raw JSON object text.</summary>
    [Id(5)] public string? DocumentJson { get; private init; }

    /// <summary><c>upstream</c> (Gateway / Proxy / forward).</summary>
    [Id(6)] public Uri? Upstream { get; private init; }

    /// <summary><c>cookie_samesite</c>: <c>Lax</c> (default), <c>Strict</c> or <c>None</c>.</summary>
    [Id(7)] public CookieSameSite CookieSameSite { get; private init; } = CookieSameSite.Lax;

    /// <summary><c>cookie_partitioned</c>: adds the <c>Partitioned</c> attribute (CHIPS).</summary>
    [Id(8)] public bool CookiePartitioned { get; private init; }

    /// <summary><c>session_idle_timeout</c> (s).</summary>
    [Id(9)] public int SessionIdleTimeout { get; private init; } = DefaultSessionIdleTimeout;

    /// <summary><c>session_lifetime</c> (s): absolute lifetime of a cookie session.</summary>
    [Id(10)] public int SessionLifetime { get; private init; } = DefaultSessionLifetime;

    /// <summary><c>login_save_lifetime</c> (s): absolute lifetime of the auto-login cookie.</summary>
    [Id(11)] public int LoginSaveLifetime { get; private init; } = DefaultLoginSaveLifetime;

    /// <summary><c>confirm_email</c> (Member / insert): a sign-up waits for the code e-mailed to the address.</summary>
    [Id(12)] public bool ConfirmEmail { get; private init; }

    /// <summary>Settings with every default.</summary>
    public static EndpointSettings Defaults { get; } = new();

    /// <summary><c>auth</c>: <c>member</c> (default: the API's credential is required) or <c>public</c>.</summary>
    [Id(13)] public EndpointAccess Auth { get; private init; } = EndpointAccess.Member;

    /// <summary>Member groups allowed on this endpoint (<c>groups</c>); empty for no group restriction.</summary>
    [Id(14)] public IReadOnlyList<string> Groups { get; private init; } = [];

    /// <summary>The endpoint's rate limit, or null for none (<c>rate_limit</c>: <c>{limit, window, key}</c>).</summary>
    [Id(15)] public RateLimitSetting? RateLimit { get; private init; }

    /// <summary>Parses and validates settings for <paramref name="operation"/>. Errors name the offending field.</summary>
    public static EndpointSettings Parse(Operation operation, string? json, List<AdminError> errors)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            json = "{}";
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "settings must be a JSON object", AdminFields.Settings));
            return Defaults;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, "settings must be a JSON object", AdminFields.Settings));
                return Defaults;
            }

            var result = new EndpointSettings
            {
                GrantTokenLifespan = Lifespan(root, "grant_token_lifespan", nameof(GrantTokenLifespan), DefaultGrantTokenLifespan, errors),
                AccessTokenLifespan = Lifespan(root, "access_token_lifespan", nameof(AccessTokenLifespan), DefaultAccessTokenLifespan, errors),
                RefreshTokenLifespan = Lifespan(root, "refresh_token_lifespan", nameof(RefreshTokenLifespan), DefaultRefreshTokenLifespan, errors),
                UseRefreshToken = Flag(root, "use_refresh_token", nameof(UseRefreshToken), true, errors),
                RotateRefreshToken = Flag(root, "rotate_refresh_token", nameof(RotateRefreshToken), false, errors),
                ConfirmEmail = Flag(root, "confirm_email", nameof(ConfirmEmail), false, errors),
                CookiePartitioned = Flag(root, "cookie_partitioned", nameof(CookiePartitioned), false, errors),
                SessionIdleTimeout = Lifespan(root, "session_idle_timeout", nameof(SessionIdleTimeout), DefaultSessionIdleTimeout, errors),
                SessionLifetime = Lifespan(root, "session_lifetime", nameof(SessionLifetime), DefaultSessionLifetime, errors),
                LoginSaveLifetime = Lifespan(root, "login_save_lifetime", nameof(LoginSaveLifetime), DefaultLoginSaveLifetime, errors),
                CookieSameSite = SameSite(root, errors),
                DocumentJson = Document(root, operation, errors),
                Upstream = UpstreamUri(root, operation, errors),
                RateLimit = RateLimitSetting.Parse(root, errors),
                Groups = GroupList(root, errors),
                Auth = Access(root, errors),
            };
            return result;
        }
    }

    private static EndpointAccess Access(JsonElement root, List<AdminError> errors)
    {
        if (!root.TryGetProperty("auth", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return EndpointAccess.Member;
        }

        switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
        {
            case "member": return EndpointAccess.Member;
            case "public": return EndpointAccess.Public;
            default:
                errors.Add(new AdminError(AdminErrorCodes.Invalid, "auth must be \"member\" or \"public\"", AdminFields.Setting(nameof(Auth))));
                return EndpointAccess.Member;
        }
    }

    // Kuroco names groups by numeric id ("1", "104"); names work too. Numbers are taken as their text.
    private static IReadOnlyList<string> GroupList(JsonElement root, List<AdminError> errors)
    {
        if (!root.TryGetProperty("groups", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= 100)
        {
            var groups = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                var text = item.ValueKind switch
                {
                    JsonValueKind.String => item.GetString(),
                    JsonValueKind.Number when item.TryGetInt64(out var id) && id >= 0 => id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => null,
                };
                if (!MemberGroups.IsValid(text))
                {
                    groups = null;
                    break;
                }

                groups.Add(text);
            }

            if (groups is not null)
            {
                return groups.Distinct(StringComparer.Ordinal).ToList();
            }
        }

        errors.Add(new AdminError(AdminErrorCodes.Invalid, "groups must be an array of at most 100 group ids or names", AdminFields.Setting(nameof(Groups))));
        return [];
    }

    private static int Lifespan(JsonElement root, string name, string property, int fallback, List<AdminError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds) && seconds is > 0 and <= MaxLifespan)
        {
            return seconds;
        }

        errors.Add(new AdminError(AdminErrorCodes.Invalid, $"{name} must be a whole number of seconds between 1 and {MaxLifespan}", AdminFields.Setting(property)));
        return fallback;
    }

    private static bool Flag(JsonElement root, string name, string property, bool fallback, List<AdminError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (JsonFlag.TryRead(value, out var flag))
        {
            return flag;
        }

        errors.Add(new AdminError(AdminErrorCodes.Invalid, $"{name} must be true, false, 1 or 0", AdminFields.Setting(property)));
        return fallback;
    }

    private static CookieSameSite SameSite(JsonElement root, List<AdminError> errors)
    {
        if (!root.TryGetProperty("cookie_samesite", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return CookieSameSite.Lax;
        }

        foreach (var allowed in Enum.GetValues<CookieSameSite>())
        {
            if (value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), allowed.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return allowed;
            }
        }

        errors.Add(new AdminError(AdminErrorCodes.Invalid, "cookie_samesite must be Lax, Strict or None", AdminFields.Setting(nameof(CookieSameSite))));
        return CookieSameSite.Lax;
    }

    private static string? Document(JsonElement root, Operation operation, List<AdminError> errors)
    {
        if (!root.TryGetProperty("document", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return operation == Operation.DocumentGet ? "{}" : null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "document must be a JSON object", AdminFields.Setting(nameof(DocumentJson))));
            return null;
        }

        return value.GetRawText();
    }

    private static Uri? UpstreamUri(JsonElement root, Operation operation, List<AdminError> errors)
    {
        root.TryGetProperty("upstream", out var value);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            if (operation == Operation.ProxyForward)
            {
                errors.Add(new AdminError(AdminErrorCodes.Required, "upstream is required for Gateway / Proxy / forward", AdminFields.Setting(nameof(Upstream))));
            }

            return null;
        }

        if (value.ValueKind == JsonValueKind.String
            && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo))
        {
            return uri;
        }

        errors.Add(new AdminError(AdminErrorCodes.Invalid, "upstream must be an absolute http or https URL", AdminFields.Setting(nameof(Upstream))));
        return null;
    }
}

/// <summary>
/// A per-endpoint rate limit: at most <see cref="Limit"/> requests per <see cref="Window"/> seconds,
/// counted per client IP (<c>key: "ip"</c>, the default) or for everyone together (<c>"endpoint"</c>),
/// across the whole cluster.
/// </summary>
[GenerateSerializer, Immutable, Alias("RateLimitSetting")]
public sealed record RateLimitSetting([property: Id(0)] int Limit, [property: Id(1)] int Window, [property: Id(2)] string Key)
{
    /// <summary>Longest window (s).</summary>
    public const int MaxWindow = 3600;

    /// <summary>Parses <c>settings.rate_limit</c>; null when absent.</summary>
    public static RateLimitSetting? Parse(JsonElement root, List<AdminError> errors)
    {
        if (!root.TryGetProperty("rate_limit", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "rate_limit must be an object {limit, window, key}", AdminFields.RateLimit()));
            return null;
        }

        var ok = true;
        if (!value.TryGetProperty("limit", out var limitValue) || limitValue.ValueKind != JsonValueKind.Number
            || !limitValue.TryGetInt32(out var limit) || limit is < 1 or > 1_000_000)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "rate_limit.limit must be a whole number between 1 and 1000000", AdminFields.RateLimit(nameof(Limit))));
            ok = false;
            limit = 0;
        }

        var window = 60;
        if (value.TryGetProperty("window", out var windowValue) && windowValue.ValueKind != JsonValueKind.Null
            && (windowValue.ValueKind != JsonValueKind.Number || !windowValue.TryGetInt32(out window) || window is < 1 or > MaxWindow))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"rate_limit.window must be a whole number of seconds between 1 and {MaxWindow}", AdminFields.RateLimit(nameof(Window))));
            ok = false;
        }

        var key = "ip";
        if (value.TryGetProperty("key", out var keyValue) && keyValue.ValueKind != JsonValueKind.Null)
        {
            key = keyValue.ValueKind == JsonValueKind.String ? keyValue.GetString()! : string.Empty;
            if (key is not ("ip" or "endpoint"))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, "rate_limit.key must be \"ip\" or \"endpoint\"", AdminFields.RateLimit(nameof(Key))));
                ok = false;
            }
        }

        return ok ? new RateLimitSetting(limit, window, key) : null;
    }
}
