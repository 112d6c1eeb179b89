using ApiSecurity.Hosting.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace ApiSecurity.Hosting;

/// <summary>
/// The Orleans dashboard (<c>Microsoft.Orleans.Dashboard</c>) at <c>/dashboard</c>, behind the admin
/// credential: it has no login of its own and shows grain state. <c>Dashboard:Enabled</c> (default true).
/// </summary>
public static class DashboardSetup
{
    /// <summary>True unless <c>Dashboard:Enabled</c> is false.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", true);

    /// <summary>Maps the dashboard UI when enabled.</summary>
    public static void MapApiSecurityDashboard(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (IsEnabled(configuration))
        {
            IEndpointConventionBuilder dashboard = app.MapOrleansDashboard(AdminAuthenticationHandler.DashboardPath)
                .RequireAuthorization(AdminAuthenticationHandler.Policy);

            // Every dashboard answer refuses to be framed by another page (clickjacking) or sniffed.
            dashboard.Add(endpoint =>
            {
                var inner = endpoint.RequestDelegate;
                if (inner is not null)
                {
                    endpoint.RequestDelegate = context =>
                    {
                        BrowserSecurityHeaders.Apply(context.Response, BrowserSecurityHeaders.DashboardPolicy);
                        return inner(context);
                    };
                }
            });
        }
    }
}
