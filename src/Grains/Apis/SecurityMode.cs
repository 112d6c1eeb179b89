namespace ApiSecurity.Grains.Apis;

/// <summary>The four security modes (docs/modes.md).</summary>
[GenerateSerializer, Alias("SecurityMode")]
public enum SecurityMode
{
    /// <summary>No credential.</summary>
    None = 0,

    /// <summary>A static token in <c>X-RCMS-API-ACCESS-TOKEN</c>, valid only on the API that issued it.</summary>
    StaticToken = 1,

    /// <summary>An access token from a login, valid only on the API that issued it.</summary>
    DynamicToken = 2,

    /// <summary>A cookie session shared by every cookie-mode API.</summary>
    Cookie = 3,
}

/// <summary>Wire names of <see cref="SecurityMode"/>.</summary>
public static class SecurityModes
{
    /// <summary>The snake_case name used in JSON.</summary>
    public static string ToWire(this SecurityMode mode) => mode switch
    {
        SecurityMode.StaticToken => "static_token",
        SecurityMode.DynamicToken => "dynamic_token",
        SecurityMode.Cookie => "cookie",
        _ => "none",
    };

    /// <summary>Parses a wire name (case-insensitive).</summary>
    public static bool TryParse(string? text, out SecurityMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "none": mode = SecurityMode.None; return true;
            case "static_token": mode = SecurityMode.StaticToken; return true;
            case "dynamic_token": mode = SecurityMode.DynamicToken; return true;
            case "cookie": mode = SecurityMode.Cookie; return true;
            default: mode = SecurityMode.None; return false;
        }
    }
}

/// <summary>Per-endpoint access (Kuroco's "API request restriction"): whether the API's credential is required.</summary>
[GenerateSerializer, Alias("EndpointAccess")]
public enum EndpointAccess
{
    /// <summary>The API's credential is required (the default).</summary>
    Member = 0,

    /// <summary>No credential needed; a valid one still identifies the member.</summary>
    Public = 1,
}

/// <summary>The <c>SameSite</c> attribute of cookie-mode cookies (<c>cookie_samesite</c>).</summary>
[GenerateSerializer, Alias("CookieSameSite")]
public enum CookieSameSite
{
    /// <summary>Sent on same-site requests and top-level navigations (the default).</summary>
    Lax,

    /// <summary>Sent on same-site requests only.</summary>
    Strict,

    /// <summary>Sent on every request; needs HTTPS.</summary>
    None,
}
