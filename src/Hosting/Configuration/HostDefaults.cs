using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace ApiSecurity.Hosting.Configuration;

/// <summary>
/// Configuration defaults of every host, placed beneath all other sources so <c>appsettings.json</c>,
/// environment variables and the command line still override them. They hold wherever the binary is
/// started from (a dll run outside its folder does not find its <c>appsettings.json</c>).
/// </summary>
public static class HostDefaults
{
    /// <summary>Quiet framework categories: per-request logs at Information would cost more than the request.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",

        // Off: enabled at any level, ASP.NET Core's hosting layer starts an Activity and a log scope for every
        // request (about 7 % of an unsecured API's throughput). The entries the web front writes about a
        // request carry its request id in a scope opened only around them (RequestLogScope).
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",

        // Every console entry shows its scopes, among them the request id a client sees in x-rcms-request-id.
        ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
    };

    /// <summary>Inserts <see cref="Values"/> as the lowest-precedence source.</summary>
    public static void AddHostDefaults(this IConfigurationBuilder configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Values });
}
