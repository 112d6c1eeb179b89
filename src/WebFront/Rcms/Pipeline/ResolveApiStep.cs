using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>Finds the API named by the path's first segment in this front's snapshot cache; 404 when there is none.</summary>
public sealed class ResolveApiStep(ApiSnapshotCache cache) : IRcmsStep
{
    /// <inheritdoc/>
    public async ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        if (!TrySplit(exchange.HttpContext.Request.Path.Value ?? string.Empty, out var apiId, out var endpointPath)
            || await cache.GetAsync(apiId) is not { } api)
        {
            await RcmsResponse.NotFoundAsync(exchange.HttpContext);
            return false;
        }

        exchange.Api = api;
        exchange.EndpointPath = endpointPath;
        return true;
    }

    /// <summary>Splits <c>/{apiId}/{path}</c>; false when the apiId is not valid.</summary>
    internal static bool TrySplit(string path, out string apiId, out string endpointPath)
    {
        var rest = path.AsSpan().TrimStart('/');
        var slash = rest.IndexOf('/');
        var id = slash < 0 ? rest : rest[..slash];
        apiId = id.ToString();
        endpointPath = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/').ToString();
        return ApiIds.IsValid(apiId);
    }
}
