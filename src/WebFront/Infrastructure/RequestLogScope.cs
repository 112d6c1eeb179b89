using System.Collections;

namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// The scope our log entries about a request are written in: the request id the client sees in
/// <c>x-rcms-request-id</c> and the path. Opened only around the entry being written (a refused login, a
/// cross-site refusal, an upstream failure, an unhandled error), not around every request: ASP.NET Core's
/// hosting layer would open one per request, but it also starts an <see cref="System.Diagnostics.Activity"/>
/// per request whenever its diagnostics category is enabled, and the two cost about 7 % of the throughput of
/// an unsecured API. The host defaults turn <c>Microsoft.AspNetCore.Hosting.Diagnostics</c> off (see the
/// <c>Logging:*</c> keys in docs/configuration.md).
/// </summary>
public sealed class RequestLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
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

    /// <summary>Opens the scope of <paramref name="context"/>'s request for the entries written before it is disposed.</summary>
    public static IDisposable? Begin(ILogger logger, HttpContext context) =>
        logger.BeginScope(new RequestLogScope(context.TraceIdentifier, context.Request.Path.Value ?? string.Empty));

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
