using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The one rule for an API id, used wherever one arrives from outside: the admin routes and the first
/// segment of a <c>/rcms-api</c> path. The id is also the API grain's key.
/// </summary>
public static partial class ApiIds
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-64 letters, digits, '-' or '_'";

    /// <summary>True for 1–64 ASCII letters, digits, '-' or '_' (nothing else, not even a trailing line break).</summary>
    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex Pattern();
}
