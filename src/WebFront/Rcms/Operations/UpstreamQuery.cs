using System.Text;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// The query sent upstream: the configured one first, then the client's parameters whose names the
/// configured query does not use. A configured parameter (a tenant, an API key, a fixed filter) is the
/// operator's choice; a client that repeats its name must not change what the upstream reads, whichever
/// of two duplicates the upstream framework keeps.
/// </summary>
public static class UpstreamQuery
{
    /// <summary>Merges <paramref name="requestQuery"/> (with its <c>?</c>) into <paramref name="configuredQuery"/> (with its <c>?</c>, or empty).</summary>
    public static string Merge(string configuredQuery, string? requestQuery)
    {
        if (string.IsNullOrEmpty(requestQuery) || requestQuery == "?")
        {
            return configuredQuery;
        }

        if (string.IsNullOrEmpty(configuredQuery) || configuredQuery == "?")
        {
            return requestQuery;
        }

        var configured = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in configuredQuery.TrimStart('?').Split('&', ';'))
        {
            configured.Add(Name(parameter));
        }

        var merged = new StringBuilder(configuredQuery);
        foreach (var parameter in requestQuery.TrimStart('?').Split('&'))
        {
            if (parameter.Length > 0 && !parameter.Split(';').Any(p => configured.Contains(Name(p))))
            {
                merged.Append('&').Append(parameter);
            }
        }

        return merged.ToString();
    }

    /// <summary>
    /// A parameter's name as the common upstream frameworks compare it: percent- and <c>+</c>-decoded,
    /// without a PHP array suffix (<c>key[]</c>), with <c>.</c> and space read as <c>_</c> (PHP), compared
    /// case-insensitively (ASP.NET Core). Matching too much only drops a client parameter.
    /// </summary>
    private static string Name(string parameter)
    {
        var eq = parameter.IndexOf('=');
        var name = eq < 0 ? parameter : parameter[..eq];
        if (name.Contains('%') || name.Contains('+'))
        {
            name = Uri.UnescapeDataString(name.Replace('+', ' '));
        }

        var bracket = name.IndexOf('[');
        if (bracket > 0)
        {
            name = name[..bracket];
        }

        return name.Replace('.', '_').Replace(' ', '_');
    }
}
