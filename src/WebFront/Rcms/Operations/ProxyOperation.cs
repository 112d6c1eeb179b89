using System.Globalization;
using System.Net;
using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;
using Yarp.ReverseProxy.Forwarder;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Gateway / Proxy / forward</c>: forwards the request to <c>settings.upstream</c> through YARP,
/// adding <c>X-Member-Id</c> when a member is known. The client's credentials (access token,
/// <c>Authorization</c>, session cookies) and any header the upstream might trust (<c>X-Member-Id</c>,
/// <c>X-Forwarded-*</c>, in any spelling) are removed (<see cref="ProxyHeaders"/>); the forwarded
/// headers are set by the front; the configured query wins over the client's (<see cref="UpstreamQuery"/>).
/// </summary>
public sealed partial class ProxyOperation(IHttpForwarder forwarder, ILogger<ProxyOperation> logger) : IRcmsOperation, IDisposable
{
    /// <summary>The header naming the member to the upstream.</summary>
    public const string MemberIdHeader = "X-Member-Id";

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(100) };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        EnableMultipleHttp2Connections = true,
    });

    /// <inheritdoc/>
    public Operation Operation => Operation.ProxyForward;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        var upstream = request.Endpoint.Settings.Upstream!;
        var transformer = new Transformer(upstream, caller?.MemberId);
        var error = await forwarder.SendAsync(context, upstream.GetLeftPart(UriPartial.Authority), _client, RequestConfig, transformer);
        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            using (RequestLogScope.Begin(logger, context))
            {
                LogUpstreamFailed(logger, request.Api.ApiId, error);
            }
            context.Response.Clear();
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status502BadGateway, RcmsResponse.Codes.Unavailable, "The upstream service did not answer");
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding for API {ApiId} failed: {Error}")]
    private static partial void LogUpstreamFailed(ILogger logger, string apiId, ForwarderError error);

    private sealed class Transformer(Uri upstream, long? memberId) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.RequestUri = new Uri(upstream.GetLeftPart(UriPartial.Path) + UpstreamQuery.Merge(upstream.Query, httpContext.Request.QueryString.Value));
            proxyRequest.Headers.Host = null;
            ProxyHeaders.RemoveClientHeaders(proxyRequest);
            var cookies = ProxyHeaders.FilterCookies(httpContext.Request.Headers.Cookie);
            if (cookies.Length > 0)
            {
                proxyRequest.Headers.TryAddWithoutValidation("Cookie", cookies);
            }

            ProxyHeaders.AddForwarded(httpContext, proxyRequest);
            if (memberId is { } id)
            {
                proxyRequest.Headers.TryAddWithoutValidation(MemberIdHeader, id.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
