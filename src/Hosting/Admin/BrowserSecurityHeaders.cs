using Microsoft.AspNetCore.Http;

namespace ApiSecurity.Hosting.Admin;

/// <summary>
/// Response headers that keep the administrator's pages (the admin console and the dashboard) from
/// being framed, sniffed or leaking their address to other sites.
/// </summary>
public static class BrowserSecurityHeaders
{
    /// <summary>
    /// The policy of the admin console and the admin API: only its own files, no inline script or
    /// style, no framing (clickjacking), no <c>&lt;base&gt;</c> rewriting, forms only to itself, no plug-ins.
    /// </summary>
    public const string ConsolePolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// The policy of the Orleans dashboard: only <c>frame-ancestors 'none'</c>, since its bundled
    /// script and styles are not ours to restrict without breaking them.
    /// </summary>
    public const string DashboardPolicy = "frame-ancestors 'none'";

    /// <summary>Sets the Content-Security-Policy <paramref name="policy"/>, nosniff, no referrer and no framing.</summary>
    public static void Apply(HttpResponse response, string policy)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        // For browsers that predate frame-ancestors.
        headers.XFrameOptions = "DENY";
    }
}
