using System.Security.Claims;
using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary><c>Content / Document / get</c>: the endpoint's stored document, pre-serialized in the snapshot.</summary>
public sealed class DocumentOperation : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.DocumentGet;

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, ClaimsPrincipal? caller) =>
        RcmsResponse.RawAsync(context, request.Endpoint.DocumentBody ?? "{\"errors\":[],\"messages\":[]}"u8.ToArray());
}
