using ApiSecurity.Hosting;
using ApiSecurity.Hosting.Admin;
using ApiSecurity.Hosting.Configuration;

// A silo host: the grains, their storage and clustering, the dashboard (admin credential) and
// health endpoints. Embedded configuration (no Cluster:Redis) runs a single silo on the SQLite file
// in Storage:Directory; do not run it beside an embedded WebFront on the same data folder.
return StartupFailure.Explain(() =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.Configuration.AddHostDefaults();
    builder.UseOrleans(silo => silo.ConfigureApiSecuritySilo(builder.Configuration));
    builder.Services.AddAdminAuthentication(builder.Configuration);
    builder.Services.AddHealthChecks();
    builder.Services.AddApiSecurityMetrics(includeOrleans: true);

    var app = builder.Build();
    app.UseAuthentication();
    app.UseAuthorization();
    app.MapHealthChecks("/health/live");
    app.MapHealthChecks("/health/ready");
    app.MapApiSecurityMetrics();
    app.MapApiSecurityDashboard(builder.Configuration);
    app.Run();
});
