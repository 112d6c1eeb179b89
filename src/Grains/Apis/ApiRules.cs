using ApiSecurity.Grains.Security;

namespace ApiSecurity.Grains.Apis;

/// <summary>The rules of an API's own settings: its name, its security mode and what the mode needs, its IP allow-list.</summary>
public static class ApiRules
{
    /// <summary>Longest API name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Most IP allow-list entries.</summary>
    public const int MaxIpEntries = 100_000;

    /// <summary>Checks an API name (null: unchanged).</summary>
    public static void CheckName(string? name, List<AdminError> errors)
    {
        if (name is { Length: > MaxNameLength })
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"name must be at most {MaxNameLength} characters", AdminFields.Name));
        }
    }

    /// <summary>Reads a security mode; <paramref name="current"/> when <paramref name="mode"/> is null or refused.</summary>
    public static SecurityMode ParseMode(string? mode, SecurityMode current, List<AdminError> errors)
    {
        if (mode is null)
        {
            return current;
        }

        if (SecurityModes.TryParse(mode, out var parsed))
        {
            return parsed;
        }

        errors.Add(new AdminError(AdminErrorCodes.Invalid, "mode must be one of none, static_token, dynamic_token, cookie", AdminFields.Mode));
        return current;
    }

    /// <summary>
    /// The IP allow-list entries as stored (comments and blanks removed, see <see cref="IpAllowList.Normalize"/>);
    /// null when <paramref name="entries"/> is null (unchanged) or refused.
    /// </summary>
    public static IReadOnlyList<string>? NormalizeIpRestriction(IReadOnlyList<string>? entries, List<AdminError> errors)
    {
        if (entries is null)
        {
            return null;
        }

        var normalized = IpAllowList.Normalize(entries);
        if (normalized.Count > MaxIpEntries)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"at most {MaxIpEntries} IP entries", AdminFields.IpRestriction));
            return null;
        }

        IpAllowList.Parse(normalized, out var ipErrors);
        errors.AddRange(ipErrors.Select(e => new AdminError(AdminErrorCodes.Invalid, $"invalid IP restriction entry {e}", AdminFields.IpRestriction)));
        return ipErrors.Count > 0 ? null : normalized;
    }

    /// <summary>The endpoints <paramref name="mode"/> needs that <paramref name="endpoints"/> lack (docs/modes.md).</summary>
    public static List<AdminError> MissingEndpoints(SecurityMode mode, IReadOnlyList<EndpointDefinition> endpoints)
    {
        var errors = new List<AdminError>();
        var needed = mode switch
        {
            SecurityMode.StaticToken => new[] { Operation.Token },
            SecurityMode.DynamicToken => [Operation.LoginChallenge, Operation.Token],
            SecurityMode.Cookie => [Operation.LoginChallenge],
            _ => [],
        };
        foreach (var op in needed)
        {
            if (!endpoints.Any(e => e.Operation == op))
            {
                errors.Add(new AdminError(AdminErrorCodes.MissingEndpoint, $"mode {mode.ToWire()} requires an endpoint bound to {op.Display()}", AdminFields.EndpointFor(op)));
            }
        }

        return errors;
    }

    /// <summary>True when <paramref name="mode"/> logs members in, so it needs at least one registered member.</summary>
    public static bool NeedsMembers(SecurityMode mode) => mode is SecurityMode.DynamicToken or SecurityMode.Cookie;

    /// <summary>The refusal of a mode that needs members when there are none.</summary>
    public static AdminError MissingMember(SecurityMode mode) =>
        new(AdminErrorCodes.MissingMember, $"mode {mode.ToWire()} requires at least one registered member", AdminFields.Members);
}
