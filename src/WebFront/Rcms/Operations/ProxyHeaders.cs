using System.Net.Http.Headers;
using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.Extensions.Primitives;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// What of the client's request headers reaches an upstream: never its credentials, never a header the
/// upstream may take as the front's word (who the member is, who the client is).
/// </summary>
public static class ProxyHeaders
{
    /// <summary>
    /// Names removed, normalised (lower case, <c>_</c> as <c>-</c>): many servers read <c>X_Member_Id</c>
    /// as <c>X-Member-Id</c> (CGI, PHP, WSGI and nginx variables map both to <c>HTTP_X_MEMBER_ID</c>), so a
    /// client must not get a spelling through that the front does not recognise as its own.
    /// </summary>
    private static readonly HashSet<string> Removed = new(StringComparer.Ordinal)
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        Normalise(RcmsAuthenticator.TokenHeader),
        Normalise(ProxyOperation.MemberIdHeader),

        // Who the client is: set by the front below, never copied (RFC 7239 and its de-facto forms).
        "forwarded",
        "x-real-ip",
        "x-client-ip",
        "true-client-ip",
    };

    private const string ForwardedPrefix = "x-forwarded";

    /// <summary>Removes, from the headers YARP copied, every header in <see cref="Removed"/> and every <c>X-Forwarded…</c>, in any spelling.</summary>
    public static void RemoveClientHeaders(HttpRequestMessage proxyRequest)
    {
        RemoveFrom(proxyRequest.Headers);
        if (proxyRequest.Content is { } content)
        {
            RemoveFrom(content.Headers);
        }
    }

    /// <summary>
    /// Sets <c>X-Forwarded-For</c> (the client address as the front resolved it: the peer, or what a
    /// trusted proxy reported), <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> from the front's own view.
    /// </summary>
    public static void AddForwarded(HttpContext context, HttpRequestMessage proxyRequest)
    {
        if (context.Connection.RemoteIpAddress is { } address)
        {
            var client = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
        }

        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", context.Request.Scheme);
        if (context.Request.Host.HasValue)
        {
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", context.Request.Host.Value);
        }
    }

    /// <summary>
    /// The client's cookies without this product's session cookies. A <c>;</c>-separated pair is dropped
    /// when any name in it (also split at <c>,</c>, which some parsers accept as a separator) is a session
    /// cookie by a case-insensitive, percent-decoded comparison: broader than the front's own exact reading
    /// (<see cref="Credentials.SessionCookies"/>), so that no upstream parser, however lenient, is handed one.
    /// </summary>
    public static string FilterCookies(StringValues headers)
    {
        var kept = new List<string>();
        foreach (var header in headers)
        {
            foreach (var part in (header ?? string.Empty).Split(';'))
            {
                var pair = part.Trim();
                if (pair.Length > 0 && !NamesSessionCookie(pair))
                {
                    kept.Add(pair);
                }
            }
        }

        return string.Join("; ", kept);
    }

    private static bool NamesSessionCookie(string pair)
    {
        foreach (var piece in pair.Split(','))
        {
            var eq = piece.IndexOf('=');
            var name = (eq < 0 ? piece : piece[..eq]).Trim();
            if (name.Contains('%'))
            {
                name = Uri.UnescapeDataString(name);
            }

            if (IsSessionCookieName(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSessionCookieName(string name)
    {
        const string hostPrefix = "__Host-";
        var bare = name.StartsWith(hostPrefix, StringComparison.OrdinalIgnoreCase) ? name[hostPrefix.Length..] : name;
        return bare.Equals(SessionCookies.AccessName, StringComparison.OrdinalIgnoreCase)
            || bare.Equals(SessionCookies.RefreshName, StringComparison.OrdinalIgnoreCase);
    }

    private static void RemoveFrom(HttpHeaders headers)
    {
        List<string>? remove = null;
        foreach (var header in headers)
        {
            var name = Normalise(header.Key);
            if (Removed.Contains(name) || name.StartsWith(ForwardedPrefix, StringComparison.Ordinal))
            {
                (remove ??= []).Add(header.Key);
            }
        }

        if (remove is not null)
        {
            foreach (var name in remove)
            {
                headers.Remove(name);
            }
        }
    }

    private static string Normalise(string name) => name.ToLowerInvariant().Replace('_', '-');
}
