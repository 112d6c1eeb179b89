namespace ApiSecurity.WebFront.Admin;

/// <summary>Adds <see cref="AdminRequestGuard"/> to a pipeline.</summary>
public static class AdminRequestGuardExtensions
{
    /// <summary>
    /// Guards every path under <c>/admin</c>. Place it before the console's static files and before
    /// authentication, so refused requests are answered before anything else runs.
    /// </summary>
    public static IApplicationBuilder UseAdminRequestGuard(this IApplicationBuilder app) => app.UseMiddleware<AdminRequestGuard>();
}
