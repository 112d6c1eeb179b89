using ApiSecurity.Grains.Admins;
using Microsoft.AspNetCore.Builder;

namespace ApiSecurity.Hosting.Admin;

/// <summary>
/// The permissions an admin route can require, and which role holds which. A route declares its permission
/// once with <see cref="AdminPermissionExtensions.RequirePermission{TBuilder}"/>; a route that declares none needs
/// <see cref="Read"/> for GET/HEAD and <see cref="Everything"/> otherwise, so a route added without thought stays admin-only.
/// </summary>
public static class AdminPermissions
{
    /// <summary>Read anything under <c>/admin</c>.</summary>
    public const string Read = "admin:read";

    /// <summary>Change APIs: security, IP list, CORS, endpoints, static tokens.</summary>
    public const string ApisWrite = "apis:write";

    /// <summary>Register, delete and unlock members; end their sessions.</summary>
    public const string MembersWrite = "members:write";

    /// <summary>Create and delete administrators and their credentials.</summary>
    public const string AdminsWrite = "admins:write";

    /// <summary>What a route without a declared permission needs when it changes something.</summary>
    public const string Everything = "admin:all";

    /// <summary>The claim type that carries the role.</summary>
    public const string RoleClaim = "admin_role";

    /// <summary>The claim type that carries the admin id.</summary>
    public const string AdminIdClaim = "admin_id";

    /// <summary>The claim type that carries the administrator's name.</summary>
    public const string NameClaim = "admin_name";

    /// <summary>The claim type that carries the credential (token) id.</summary>
    public const string CredentialClaim = "credential_id";

    /// <summary>True when <paramref name="role"/> holds <paramref name="permission"/>.</summary>
    public static bool Grants(AdminRole role, string permission) => role switch
    {
        AdminRole.Admin => true,
        AdminRole.Operator => permission is Read or MembersWrite,
        _ => permission is Read,
    };

    /// <summary>Every permission a role holds (for the console).</summary>
    public static IReadOnlyList<string> Of(AdminRole role) =>
        new[] { Read, MembersWrite, ApisWrite, AdminsWrite, Everything }.Where(p => Grants(role, p)).ToList();
}

/// <summary>Endpoint metadata: the permission a route requires.</summary>
/// <param name="Permission">One of <see cref="AdminPermissions"/>.</param>
public sealed record AdminPermissionMetadata(string Permission);

/// <summary>Declaring a route's permission.</summary>
public static class AdminPermissionExtensions
{
    /// <summary>Requires <paramref name="permission"/> for this route (checked by the admin policy, before the body is read).</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AdminPermissionMetadata(permission));
}
