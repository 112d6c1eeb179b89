using ApiSecurity.Hosting.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApiSecurity.Hosting.Admin;

/// <summary>Registers the admin credential on a web host (WebFront or Silo).</summary>
public static class AdminAuthenticationExtensions
{
    /// <summary>Resolves the admin token (configured, or generated in the data folder) and adds the admin scheme and policy.</summary>
    public static AuthenticationBuilder AddAdminAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSettings<StorageSettings>(StorageSettings.Section);
        services.AddSingleton(AdminToken.Resolve(configuration, storage.ResolveDirectory(), Console.Out));
        services.AddSingleton<AdminCredentialResolver>();
        services.AddSingleton<IAuthorizationHandler, AdminPermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AdminAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminAuthenticationHandler.Policy, p => p
                .AddAuthenticationSchemes(AdminAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .AddRequirements(AdminPermissionRequirement.Instance));
        return services
            .AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminAuthenticationHandler>(AdminAuthenticationHandler.SchemeName, null);
    }
}
