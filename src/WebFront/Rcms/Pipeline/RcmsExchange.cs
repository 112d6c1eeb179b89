using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>One <c>/rcms-api</c> request on its way through the pipeline: what each step has learned so far.</summary>
public sealed class RcmsExchange(HttpContext httpContext)
{
    /// <summary>The HTTP request and response.</summary>
    public HttpContext HttpContext { get; } = httpContext;

    private string? _endpointPath;

    /// <summary>The endpoint path below the API (no leading or trailing slash), a slice of the request path.</summary>
    public ReadOnlyMemory<char> EndpointPathText
    {
        get;
        set
        {
            field = value;
            _endpointPath = null;
        }
    }

    /// <summary>The endpoint path as a string, made only when something needs one.</summary>
    public string EndpointPath => _endpointPath ??= EndpointPathText.ToString();

    /// <summary>The API, once resolved.</summary>
    public CompiledApi? Api { get; set; }

    /// <summary>The endpoint, once routed.</summary>
    public CompiledEndpoint? Endpoint { get; set; }

    /// <summary>True for a CORS preflight (<c>OPTIONS</c> with <c>Access-Control-Request-Method</c>).</summary>
    public bool IsPreflight { get; set; }

    /// <summary>The credential check's outcome; <see cref="RcmsAuthentication.None"/> when no credential was used.</summary>
    public RcmsAuthentication Authentication { get; set; }
}
