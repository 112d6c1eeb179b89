using ApiSecurity.Hosting;
using ApiSecurity.Hosting.Admin;
using ApiSecurity.Hosting.Configuration;
using ApiSecurity.WebFront.Admin;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Mail;
using ApiSecurity.WebFront.Rcms;
using ApiSecurity.WebFront.Rcms.Credentials;
using ApiSecurity.WebFront.Rcms.Operations;
using ApiSecurity.WebFront.Rcms.Pipeline;
using Microsoft.AspNetCore.HttpOverrides;

namespace ApiSecurity.WebFront;

/// <summary>Builds the web front: <c>/rcms-api</c>, <c>/admin</c> and health, with an embedded silo.</summary>
public static class WebFrontApplication
{
    /// <summary>The response header carrying the request id.</summary>
    public const string RequestIdHeader = "x-rcms-request-id";

    /// <summary>Largest request body Kestrel accepts (proxied bodies; JSON operations have their own, smaller limit).</summary>
    public const long MaxRequestBodyBytes = 10 * 1024 * 1024;

    /// <summary>
    /// Creates the application from command-line arguments; <paramref name="overrideServices"/> (for tests, e.g. a
    /// fake clock) runs after every registration of the application.
    /// </summary>
    public static WebApplication Create(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        // The console's files are copied next to the binaries, so they are found wherever the host starts from.
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Directory.Exists(webRoot) ? webRoot : null,
        });
        var configuration = builder.Configuration;
        configuration.AddHostDefaults();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });

        var cluster = configuration.GetSettings<ClusterSettings>(ClusterSettings.Section);
        if (cluster.UsesRedis)
        {
            builder.UseOrleansClient(client => client.ConfigureApiSecurityClient(configuration));
        }
        else
        {
            builder.UseOrleans(silo => silo.ConfigureApiSecuritySilo(configuration));
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<ForwardedHeadersOptions>(o => ForwardedHeadersSetup.Configure(o, configuration));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ErrorHandling>();
        builder.Services.AddCors();
        builder.Services.AddHttpForwarder();
        builder.Services.AddHealthChecks();
        builder.Services.AddAdminOpenApi();
        builder.Services.AddAdminRouteConstraints();
        builder.Services.AddAdminWireFormat();
        builder.Services.AddSingleton<ApiSecurityMetrics>();
        builder.Services.AddApiSecurityMetrics(includeOrleans: !cluster.UsesRedis);

        builder.Services.AddAdminAuthentication(configuration);
        builder.Services.AddSingleton<RcmsAuthenticator>();
        builder.Services.AddHostedService<CredentialWarmUp>();

        builder.Services.AddOptions<SessionCacheOptions>()
            .Bind(configuration.GetSection(SessionCacheOptions.Section))
            .Validate(o => o.Duration >= TimeSpan.Zero && o.Duration <= TimeSpan.FromMinutes(1),
                "Security:SessionCache:Duration must be between 0 and 00:01:00: it bounds how late a revocation made through another web front is honoured.")
            .Validate(o => o.MaxEntries is >= 0 and <= 10_000_000, "Security:SessionCache:MaxEntries must be between 0 and 10000000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SessionValidationCache>();
        builder.Services.AddSingleton<SessionGrains>();
        builder.Services.AddSingleton<ApiSnapshotCache>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ApiSnapshotCache>());
        builder.Services.AddSingleton<IRcmsOperation, LoginChallengeOperation>();
        builder.Services.AddSingleton<IRcmsOperation, TokenOperation>();
        builder.Services.AddSingleton<IRcmsOperation, LogoutOperation>();
        builder.Services.AddSingleton<IRcmsOperation, ProfileOperation>();
        builder.Services.AddSingleton<IRcmsOperation, DocumentOperation>();
        builder.Services.AddSingleton<IRcmsOperation, ProxyOperation>();
        builder.Services.AddMemberSelfService(configuration);
        RcmsPipeline.Register(builder.Services);
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();

        app.UseTrustedForwardedHeaders(configuration);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var ctx = (HttpContext)state;
                ctx.Response.Headers[RequestIdHeader] = ctx.TraceIdentifier;
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        var rcms = app.Services.GetRequiredService<RcmsPipeline>();
        app.Map("/rcms-api", branch => branch.Run(rcms.HandleAsync));

        // Routing starts after the /rcms-api branch: left implicit, WebApplication would put it first and every
        // API request would pay for matching the admin, health and metrics routes it never uses.
        app.UseRouting();

        // After the /rcms-api branch, which answers its own errors in the Kuroco envelope (RcmsPipeline): an
        // unhandled exception and an empty 4xx/5xx answer of the admin API get a problem-details body.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The admin console: static files under wwwroot/admin, no credential needed to load them (every
        // call they make to /admin/… carries the admin token). After the /rcms-api branch, so API requests
        // never pay for the file-system look-ups of the static-file middleware.
        app.UseAdminAudit();
        app.UseAdminRequestGuard();
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value == "/admin")
            {
                context.Response.Redirect("/admin/");
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live");
        app.MapHealthChecks("/health/ready");
        app.MapAdminApi();
        app.MapOpenApi();
        app.MapApiSecurityMetrics();
        app.MapApiSecurityDashboard(configuration);
        return app;
    }
}
