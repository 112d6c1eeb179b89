using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Sessions;

namespace ApiSecurity.WebFront.Rcms.Credentials;

/// <summary>
/// The cookies of cookie mode (docs/modes.md): <c>rcms_api_access_token</c> and <c>rcms_api_refresh_token</c>,
/// HttpOnly, Path=/, SameSite from the login endpoint's settings; on HTTPS also Secure with the
/// <c>__Host-</c> prefix; optionally Partitioned. Over HTTPS only the <c>__Host-</c> names are read: a
/// browser accepts that prefix only from a secure origin, for this exact host, so a sibling subdomain
/// or a plain-HTTP page cannot plant a session cookie that would be read there.
/// </summary>
public static class SessionCookies
{
    /// <summary>The session cookie.</summary>
    public const string AccessName = "rcms_api_access_token";

    /// <summary>The auto-login cookie (login_save).</summary>
    public const string RefreshName = "rcms_api_refresh_token";

    private const string HostPrefix = "__Host-";

    /// <summary>The session cookie's value: the <c>__Host-</c> name over HTTPS, the plain name otherwise.</summary>
    public static string? ReadAccess(HttpRequest request) => Read(request, AccessName);

    /// <summary>The auto-login cookie's value: the <c>__Host-</c> name over HTTPS, the plain name otherwise.</summary>
    public static string? ReadRefresh(HttpRequest request) => Read(request, RefreshName);

    /// <summary>True when the request carries a session or auto-login cookie of the name its scheme reads.</summary>
    public static bool IsPresent(HttpRequest request) => ReadAccess(request) is not null || ReadRefresh(request) is not null;

    /// <summary>Sets the cookies of a new or restored session.</summary>
    public static void Issue(HttpContext context, CookieIssue issue, EndpointSettings settings)
    {
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        Append(context, AccessName, issue.Session.Value, TimeSpan.FromSeconds(Math.Max(1, issue.Session.ExpiresAt - now)), settings);
        if (issue.AutoLogin is { } autoLogin)
        {
            Append(context, RefreshName, autoLogin.Value, TimeSpan.FromSeconds(Math.Max(1, autoLogin.ExpiresAt - now)), settings);
        }
    }

    /// <summary>Expires both cookies (<c>Max-Age=0</c>).</summary>
    public static void Expire(HttpContext context, EndpointSettings settings)
    {
        Append(context, AccessName, string.Empty, TimeSpan.Zero, settings);
        Append(context, RefreshName, string.Empty, TimeSpan.Zero, settings);
    }

    private static string? Read(HttpRequest request, string name)
    {
        if (request.Headers.Cookie.Count == 0)
        {
            return null;
        }

        return request.Cookies.TryGetValue(request.IsHttps ? HostPrefix + name : name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : null;
    }

    private static void Append(HttpContext context, string name, string value, TimeSpan maxAge, EndpointSettings settings)
    {
        var secure = context.Request.IsHttps;
        var options = new CookieOptions
        {
            HttpOnly = true,
            Path = "/",
            Secure = secure,
            MaxAge = maxAge,
            Expires = maxAge == TimeSpan.Zero ? DateTimeOffset.UnixEpoch : null,
            SameSite = settings.CookieSameSite switch
            {
                CookieSameSite.Strict => SameSiteMode.Strict,
                CookieSameSite.None => SameSiteMode.None,
                _ => SameSiteMode.Lax,
            },
        };
        if (settings.CookiePartitioned)
        {
            options.Extensions.Add("Partitioned");
        }

        context.Response.Cookies.Append(secure ? HostPrefix + name : name, value, options);
    }
}
