using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// The one rule for an API id, used wherever one arrives from outside: the admin routes and the first
/// segment of a <c>/rcms-api</c> path. The id is also the API grain's key.
/// </summary>
public static class ApiIds
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-64 letters, digits, '-' or '_'";

    /// <summary>Longest id.</summary>
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>True for 1–64 ASCII letters, digits, '-' or '_' (nothing else, not even a trailing line break).</summary>
    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && IsValid(id.AsSpan());

    /// <summary>The same rule for a segment of a path, read without making a string of it.</summary>
    public static bool IsValid(ReadOnlySpan<char> id) =>
        id.Length is >= 1 and <= MaxLength && !id.ContainsAnyExcept(Allowed);
}
