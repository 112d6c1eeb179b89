using ApiSecurity.Grains.Apis;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>Finds the API named by the path's first segment in this front's snapshot cache; 404 when there is none.</summary>
public sealed class ResolveApiStep(ApiSnapshotCache cache) : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        var context = exchange.HttpContext;
        if (!TrySplit(context.Request.Path.Value ?? string.Empty, out var apiId, out var endpointPath))
        {
            return NotFoundAsync(context);
        }

        exchange.EndpointPathText = endpointPath;
        if (cache.TryGetLoaded(apiId.Span, out var api))
        {
            exchange.Api = api;
            return ValueTask.FromResult(true);
        }

        return LoadAsync(exchange, apiId.ToString());
    }

    /// <summary>Splits <c>/{apiId}/{path}</c> into slices of the path; false when the apiId is not valid.</summary>
    internal static bool TrySplit(string path, out ReadOnlyMemory<char> apiId, out ReadOnlyMemory<char> endpointPath)
    {
        var rest = path.AsMemory().TrimStart('/');
        var slash = rest.Span.IndexOf('/');
        apiId = slash < 0 ? rest : rest[..slash];
        endpointPath = slash < 0 ? ReadOnlyMemory<char>.Empty : rest[(slash + 1)..].Trim('/');
        return ApiIds.IsValid(apiId.Span);
    }

    // First request for an API since this front started or since it changed: one grain call.
    private async ValueTask<bool> LoadAsync(RcmsExchange exchange, string apiId)
    {
        if (await cache.GetAsync(apiId) is not { } api)
        {
            await RcmsResponse.NotFoundAsync(exchange.HttpContext);
            return false;
        }

        exchange.Api = api;
        return true;
    }

    private static async ValueTask<bool> NotFoundAsync(HttpContext context)
    {
        await RcmsResponse.NotFoundAsync(context);
        return false;
    }
}
