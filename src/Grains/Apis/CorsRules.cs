using System.Text.RegularExpressions;

namespace ApiSecurity.Grains.Apis;

/// <summary>The rules of an API's CORS settings: exact origins or <c>*</c>, HTTP methods, header names, a bounded max age.</summary>
public static partial class CorsRules
{
    /// <summary>Most entries per list.</summary>
    public const int MaxEntries = 100;

    /// <summary>Longest <see cref="CorsSettings.MaxAge"/> (s).</summary>
    public const int MaxMaxAge = 86400;

    /// <summary>
    /// Validates <paramref name="cors"/> and returns it canonical (trimmed, methods upper-cased, no duplicates);
    /// null (with <paramref name="errors"/>) when refused.
    /// </summary>
    public static CorsSettings? Validate(CorsSettings cors, List<AdminError> errors)
    {
        var before = errors.Count;
        var origins = new List<string>();
        foreach (var origin in cors.AllowOrigins ?? [])
        {
            var o = origin?.Trim() ?? string.Empty;
            if (o == "*")
            {
                origins.Add(o);
                continue;
            }

            if (!Uri.TryCreate(o, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")
                || uri.AbsolutePath != "/" || o.EndsWith('/') || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"'{Clip(o)}' is not an origin (scheme://host[:port])", AdminFields.CorsAllowOrigins));
                continue;
            }

            origins.Add(o);
        }

        if (origins.Contains("*") && cors.AllowCredentials)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "'*' cannot be combined with allow_credentials", AdminFields.CorsAllowOrigins));
        }

        var methods = new List<string>();
        foreach (var method in cors.AllowMethods ?? [])
        {
            var m = method?.Trim().ToUpperInvariant() ?? string.Empty;
            if (m != "*" && !EndpointRules.KnownMethods.Contains(m))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"'{Clip(m)}' is not an HTTP method", AdminFields.CorsAllowMethods));
                continue;
            }

            methods.Add(m);
        }

        var headers = new List<string>();
        foreach (var header in cors.AllowHeaders ?? [])
        {
            var h = header?.Trim() ?? string.Empty;
            if (h != "*" && !HeaderName().IsMatch(h))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"'{Clip(h)}' is not a header name", AdminFields.CorsAllowHeaders));
                continue;
            }

            headers.Add(h);
        }

        if (cors.MaxAge is < 0 or > MaxMaxAge)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"max_age must be between 0 and {MaxMaxAge} seconds", AdminFields.CorsMaxAge));
        }

        if (origins.Count > MaxEntries || methods.Count > MaxEntries || headers.Count > MaxEntries)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"at most {MaxEntries} entries per list", AdminFields.CorsAllowOrigins));
        }

        return errors.Count > before
            ? null
            : new CorsSettings(origins.Distinct().ToList(), methods.Distinct().ToList(), headers.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), cors.MaxAge, cors.AllowCredentials);
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,100}$")]
    private static partial Regex HeaderName();
}
