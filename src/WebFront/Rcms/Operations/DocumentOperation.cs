using ApiSecurity.Grains.Apis;

using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary><c>Content / Document / get</c>: the endpoint's stored document, pre-serialized in the snapshot.</summary>
public sealed class DocumentOperation : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.DocumentGet;

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller) =>
        RcmsResponse.RawAsync(context, request.Endpoint.DocumentBody ?? "{\"errors\":[],\"messages\":[]}"u8.ToArray());
}
