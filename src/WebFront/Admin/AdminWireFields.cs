using System.Collections.Frozen;
using System.Text;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Admin;

/// <summary>
/// The one place where a domain field (<see cref="AdminFields"/>: dotted PascalCase property paths) becomes the name
/// the HTTP bodies use (<c>errors[].field</c>, docs/wire-format.md): each segment in snake_case, the containers the wire
/// keeps flat left out, a few irregular names spelled out, and a key the user sent (<see cref="AdminFields.Key"/>)
/// echoed verbatim.
/// </summary>
public static class AdminWireFields
{
    // Objects the wire does not nest: PUT …/cors takes the CORS settings themselves, a missing endpoint is named by its operation alone.
    private static readonly FrozenSet<string> FlatContainers = FrozenSet.ToFrozenSet(["Cors", "Endpoints"], StringComparer.Ordinal);

    // Settings keys that are not the snake_case of their property (docs/endpoints.md).
    private static readonly FrozenDictionary<string, string> Irregular = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(EndpointSettings.CookieSameSite)] = "cookie_samesite",
        [nameof(EndpointSettings.DocumentJson)] = "document",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The wire name of a domain field; null for none.</summary>
    public static string? Of(string? field)
    {
        if (field is null)
        {
            return null;
        }

        string? key = null;
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0 && field.EndsWith(']'))
        {
            key = field[(bracket + 1)..^1];
            field = field[..bracket];
        }

        var segments = field.Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => !FlatContainers.Contains(s))
            .Select(s => Irregular.TryGetValue(s, out var name) ? name : SnakeCase(s))
            .ToList();
        if (key is not null)
        {
            segments.Add(key);
        }

        return string.Join('.', segments);
    }

    /// <summary>An error as the wire carries it: code, message and, when there is one, the field's wire name.</summary>
    public static Dictionary<string, string> ToWire(AdminError error)
    {
        var wire = new Dictionary<string, string> { ["code"] = error.Code, ["message"] = error.Message };
        if (Of(error.Field) is { } field)
        {
            wire["field"] = field;
        }

        return wire;
    }

    // "IpRestriction" → "ip_restriction", "Name1" → "name1"; text already in snake_case stays as it is.
    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterUpper(c) && i > 0 && (char.IsAsciiLetterLower(name[i - 1]) || char.IsAsciiDigit(name[i - 1])))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
