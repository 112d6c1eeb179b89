using ApiSecurity.Grains.Admins;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace ApiSecurity.Hosting.Admin;

/// <summary>The admin policy's requirement: the caller's role holds the route's permission.</summary>
public sealed class AdminPermissionRequirement : IAuthorizationRequirement
{
    /// <summary>The one instance.</summary>
    public static readonly AdminPermissionRequirement Instance = new();
}

/// <summary>Checks <see cref="AdminPermissionRequirement"/> against the route's <see cref="AdminPermissionMetadata"/>.</summary>
public sealed class AdminPermissionHandler : AuthorizationHandler<AdminPermissionRequirement>
{
    /// <summary>The permission the current request needs.</summary>
    public static string RequiredPermission(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AdminPermissionMetadata>() is { } declared)
        {
            return declared.Permission;
        }

        return HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            ? AdminPermissions.Read
            : AdminPermissions.Everything;
    }

    /// <inheritdoc/>
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminPermissionRequirement requirement)
    {
        if (context.Resource is not HttpContext http || context.User.FindFirst(AdminPermissions.RoleClaim) is not { } claim)
        {
            return Task.CompletedTask;
        }

        var permission = RequiredPermission(http);
        if (AdminRoles.TryParse(claim.Value, out var role) && AdminPermissions.Grants(role, permission))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, permission));
        }

        return Task.CompletedTask;
    }
}

/// <summary>Turns a refused permission into a 403 problem detail that names it (RFC 9457 extension member <c>permission</c>).</summary>
public sealed class AdminAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <inheritdoc/>
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var refused = authorizeResult.Forbidden
            ? authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault(r => r.Handler is AdminPermissionHandler)
            : null;
        if (refused is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var role = context.User.FindFirst(AdminPermissions.RoleClaim)?.Value ?? "none";
        await Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: $"The role '{role}' does not hold the permission '{refused.Message}' this call needs.",
            extensions: new Dictionary<string, object?> { ["permission"] = refused.Message, ["role"] = role }).ExecuteAsync(context);
    }
}
