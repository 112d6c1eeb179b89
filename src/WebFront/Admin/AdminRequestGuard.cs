using ApiSecurity.Grains.Apis;
using ApiSecurity.Hosting.Admin;
using ApiSecurity.WebFront.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ApiSecurity.WebFront.Admin;

/// <summary>
/// The browser-facing rules of everything under <c>/admin</c> (the API and the console's files), applied
/// once, before authentication, so a refused request changes nothing and costs no credential check:
/// <list type="number">
/// <item>a request from another site is refused (403): an <c>Origin</c> that is not the front's own, or a
/// <c>Sec-Fetch-Site</c> other than <c>same-origin</c> or <c>none</c>;</item>
/// <item>a request with a body must say it is JSON (415), so an HTML form or a <c>text/plain</c>
/// <c>fetch</c>, which a browser sends cross-site without asking, can never be read as a command;</item>
/// <item>every answer carries the console's Content-Security-Policy, <c>nosniff</c>, no referrer and
/// <c>Cache-Control: no-store</c> (admin answers hold member data and token values).</item>
/// </list>
/// </summary>
/// <remarks>
/// <c>Sec-Fetch-Site: same-site</c> is refused too: a sibling host under the same registrable domain
/// (another team's app, user content) is still another origin, and the console never needs it.
/// <c>none</c> is a request the user started (typed address, bookmark), which is how the console is opened.
/// Opening the console from a link on another site is therefore refused as well; the page holds no
/// secret, but the rule stays the same for every path under <c>/admin</c>.
/// </remarks>
public sealed partial class AdminRequestGuard(RequestDelegate next, ILogger<AdminRequestGuard> logger)
{
    /// <summary>The path prefix guarded (whole segments, any case, like routing).</summary>
    public const string PathPrefix = "/admin";

    /// <summary>Runs the checks for requests under <see cref="PathPrefix"/>; other requests pass untouched.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        // On starting rather than now: the exception handler clears headers before writing its problem.
        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            BrowserSecurityHeaders.Apply(response, BrowserSecurityHeaders.ConsolePolicy);
            response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }, context.Response);

        if (CrossSiteReason(request) is { } reason)
        {
            using (RequestLogScope.Begin(logger, context))
            {
                LogCrossSiteRefused(logger, request.Method, request.Path, reason);
            }
            return AdminHttp.Problem(
                StatusCodes.Status403Forbidden,
                "Forbidden",
                "Requests to the admin API from another site are refused; open the console from its own address.",
                [new AdminError(AdminErrorCodes.CrossSite, $"Refused: {reason}.")]).ExecuteAsync(context);
        }

        if (HasBody(context) && !IsJson(request.ContentType))
        {
            return AdminHttp.Problem(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type",
                "The admin API reads only JSON bodies: send 'Content-Type: application/json'.",
                [new AdminError(AdminErrorCodes.UnsupportedMediaType, "The body must be sent as 'Content-Type: application/json'.")]).ExecuteAsync(context);
        }

        return next(context);
    }

    /// <summary>Why the request comes from another site, or null when it does not.</summary>
    private static string? CrossSiteReason(HttpRequest request)
    {
        var headers = request.Headers;
        var site = headers["Sec-Fetch-Site"];
        if (site.Count > 0 && !(site.Count == 1 && (IsValue(site[0], "same-origin") || IsValue(site[0], "none"))))
        {
            return "Sec-Fetch-Site is not same-origin";
        }

        var origin = headers.Origin;
        if (origin.Count > 0 && !(origin.Count == 1 && IsOwnOrigin(request, origin[0])))
        {
            return "the Origin is not this server's own";
        }

        return null;
    }

    private static bool IsValue(string? value, string expected) =>
        string.Equals(value?.Trim(), expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when <paramref name="origin"/> is this request's own origin as a browser serialises it
    /// (RFC 6454 §6.2: scheme://host, with the port only when it is not the scheme's default). Scheme and
    /// host are the request's as resolved by the forwarded-headers middleware, so behind a trusted
    /// TLS-terminating proxy the console's https origin matches.
    /// </summary>
    private static bool IsOwnOrigin(HttpRequest request, string? origin)
    {
        var host = request.Host;
        if (string.IsNullOrEmpty(origin) || !host.HasValue)
        {
            return false;
        }

        var scheme = request.Scheme;
        var defaultPort = string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443
            : string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase) ? 80
            : -1;
        var own = host.Port is { } port && port != defaultPort
            ? $"{scheme}://{host.Host}:{port}"
            : $"{scheme}://{host.Host}";
        return string.Equals(origin.Trim(), own, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// True when the request carries a body: HTTP/1.1 with <c>Content-Length</c> above 0 or chunked,
    /// HTTP/2 and HTTP/3 without end-of-stream on the headers (Kestrel's own detection).
    /// </summary>
    private static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
        ?? (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0);

    /// <summary><c>application/json</c> or <c>application/*+json</c> (RFC 6839), in UTF-8 when a charset is named.</summary>
    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType;
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!json)
        {
            return false;
        }

        var charset = HeaderUtilities.RemoveQuotes(media.Charset);
        return charset.Length == 0 || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a cross-site admin request {Method} {Path}: {Reason}")]
    private static partial void LogCrossSiteRefused(ILogger logger, string method, PathString path, string reason);
}
