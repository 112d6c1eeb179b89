using System.Collections;

namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// Puts every log entry written while a request is handled into a scope carrying the request id the client
/// sees in <c>x-rcms-request-id</c> and the path. ASP.NET Core's hosting layer would do the same, but it
/// also starts an <see cref="System.Diagnostics.Activity"/> for every request whenever its diagnostics
/// category is enabled, which cost about 7 % of the throughput of an unsecured API; the host defaults
/// therefore turn <c>Microsoft.AspNetCore.Hosting.Diagnostics</c> off and this scope takes its place
/// (see docs/configuration.md, "Logging").
/// </summary>
public sealed class RequestLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The log category whose level decides whether requests get a scope.</summary>
    public const string Category = "ApiSecurity.Requests";

    private readonly string _requestId;
    private readonly string _path;

    private RequestLogScope(string requestId, string path)
    {
        _requestId = requestId;
        _path = path;
    }

    /// <inheritdoc/>
    public int Count => 2;

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", _requestId),
        1 => new("RequestPath", _path),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Wraps every request in the scope, unless logging is off for <see cref="Category"/>.</summary>
    public static IApplicationBuilder Use(IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use((context, next) => logger.IsEnabled(LogLevel.Critical) ? WithScopeAsync(logger, context, next) : next(context));
    }

    private static async Task WithScopeAsync(ILogger logger, HttpContext context, RequestDelegate next)
    {
        using (logger.BeginScope(new RequestLogScope(context.TraceIdentifier, context.Request.Path.Value ?? string.Empty)))
        {
            await next(context);
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"RequestId:{_requestId} RequestPath:{_path}";
}
