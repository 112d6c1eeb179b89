using System.Text.RegularExpressions;

namespace ApiSecurity.Grains.Members;

/// <summary>The one rule for group names, shared by member records and endpoint restrictions (Kuroco's numeric ids fit it).</summary>
public static partial class MemberGroups
{
    /// <summary>True for 1–64 letters, digits, '-' or '_' (nothing else, not even a trailing line break).</summary>
    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex Pattern();
}
