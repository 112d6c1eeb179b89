using System.Security.Cryptography;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.Grains.Admins;

/// <inheritdoc cref="IAdminDirectoryGrain"/>
[GrainType("admin-directory")]
public sealed class AdminDirectoryGrain(
    [PersistentState("admin-directory", StorageNames.Store)] IPersistentState<AdminDirectoryState> state) : Grain, IAdminDirectoryGrain
{
    /// <summary>Most administrators; the directory is one record, so it stays small.</summary>
    public const int MaxAdmins = 1000;

    /// <summary>The name of the configured bootstrap credential; no named administrator may take it.</summary>
    public const string BootstrapName = "bootstrap";

    /// <inheritdoc/>
    public async Task<AdminResult<AdminInfo>> CreateAsync(string? name, string? role)
    {
        var trimmed = name?.Trim();
        var errors = new List<AdminError>();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 64 || trimmed.Any(char.IsControl))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "name must be 1-64 characters without control characters", AdminFields.Name));
        }

        if (!AdminRoles.TryParse(role, out var parsed))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "role must be admin, operator or viewer", AdminFields.Role));
        }

        if (errors.Count > 0)
        {
            return AdminResult<AdminInfo>.Fail(AdminOutcome.Invalid, errors);
        }

        // Names appear in the audit trail as the only human-readable identity: two live administrators
        // with one name (or one named like the bootstrap credential) would make it ambiguous.
        if (string.Equals(trimmed, BootstrapName, StringComparison.OrdinalIgnoreCase)
            || state.State.Admins.Values.Any(a => string.Equals(a.Name, trimmed, StringComparison.OrdinalIgnoreCase)))
        {
            return AdminResult<AdminInfo>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.NameTaken, "An administrator with this name exists", AdminFields.Name));
        }

        if (state.State.Admins.Count >= MaxAdmins)
        {
            return AdminResult<AdminInfo>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.TooMany, $"At most {MaxAdmins} administrators"));
        }

        AdminInfo? created = null;
        while (created is null)
        {
            created = await GrainFactory.GetGrain<IAdminGrain>(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))).CreateAsync(trimmed!, parsed);
        }

        state.State.Admins[created.AdminId] = created;
        await state.WriteStateAsync();
        return AdminResult<AdminInfo>.Ok(created);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AdminInfo>> ListAsync() =>
        Task.FromResult<IReadOnlyList<AdminInfo>>(state.State.Admins.Values.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList());

    /// <inheritdoc/>
    public async Task<AdminInfo?> DeleteAsync(string adminId)
    {
        if (!state.State.Admins.ContainsKey(adminId))
        {
            return null;
        }

        // The record's own grain first: its credentials stop working even if the directory write below fails.
        var was = await GrainFactory.GetGrain<IAdminGrain>(adminId).DeleteAsync();
        state.State.Admins.Remove(adminId);
        await state.WriteStateAsync();
        return was;
    }
}
