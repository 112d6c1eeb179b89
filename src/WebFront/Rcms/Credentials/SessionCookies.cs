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
    private const string HostAccessName = HostPrefix + AccessName;
    private const string HostRefreshName = HostPrefix + RefreshName;

    /// <summary>The session cookie's value: the <c>__Host-</c> name over HTTPS, the plain name otherwise.</summary>
    public static string? ReadAccess(HttpRequest request) => AsString(FindAccess(request));

    /// <summary>
    /// The session cookie's value as a slice of the <c>Cookie</c> header (empty when there is none): what the
    /// request path looks up, so a session this front remembers costs no copy of its text.
    /// </summary>
    public static ReadOnlyMemory<char> FindAccess(HttpRequest request) => Read(request, AccessName);

    /// <summary>The auto-login cookie's value: the <c>__Host-</c> name over HTTPS, the plain name otherwise.</summary>
    public static string? ReadRefresh(HttpRequest request) => AsString(Read(request, RefreshName));

    /// <summary>True when the request carries a session or auto-login cookie of the name its scheme reads.</summary>
    public static bool IsPresent(HttpRequest request) => !FindAccess(request).IsEmpty || !Read(request, RefreshName).IsEmpty;

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

    // Straight from the header: asking ASP.NET Core for request.Cookies parses every cookie of the request into
    // a new dictionary, which cost cookie mode about 7 % of a request's CPU in bench/.
    private static ReadOnlyMemory<char> Read(HttpRequest request, string name)
    {
        var headers = request.Headers.Cookie;
        if (headers.Count == 0)
        {
            return default;
        }

        var wanted = request.IsHttps ? (name == AccessName ? HostAccessName : HostRefreshName) : name;
        foreach (var header in headers)
        {
            if (header is not null && Find(header, wanted) is { IsEmpty: false } value)
            {
                return value;
            }
        }

        return default;
    }

    private static string? AsString(ReadOnlyMemory<char> value) => value.IsEmpty ? null : value.ToString();

    /// <summary>
    /// The value of the first non-empty cookie called <paramref name="name"/> (exactly: cookie names are
    /// case-sensitive) in one <c>Cookie</c> header (<c>a=1; b=2</c>), without its surrounding quotes, as a slice of
    /// the header; empty when there is none. Only <c>;</c> separates cookies, as browsers send them: a <c>,</c> is part of a value, so
    /// another cookie's value cannot smuggle in a session cookie (<c>a=x,__Host-rcms_api_access_token=…</c>).
    /// </summary>
    internal static ReadOnlyMemory<char> Find(string header, string name)
    {
        var rest = header.AsMemory();
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf(';');
            var pair = Trim(end < 0 ? rest : rest[..end]);
            rest = end < 0 ? default : rest[(end + 1)..];
            var equals = pair.Span.IndexOf('=');
            if (equals < 0 || !pair.Span[..equals].TrimEnd(" \t").SequenceEqual(name))
            {
                continue;
            }

            var value = Trim(pair[(equals + 1)..]);
            if (value.Length >= 2 && value.Span[0] == '"' && value.Span[^1] == '"')
            {
                value = value[1..^1];
            }

            if (!value.IsEmpty)
            {
                return value;
            }
        }

        return default;
    }

    // Spaces and tabs off both ends, as a slice of the same text.
    private static ReadOnlyMemory<char> Trim(ReadOnlyMemory<char> text)
    {
        var span = text.Span;
        var start = span.Length - span.TrimStart(" \t").Length;
        return text[start..(start + span[start..].TrimEnd(" \t").Length)];
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
