using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// One <c>/rcms-api</c> request on its way through the pipeline: what each step has learned so far.
/// <see cref="RcmsPipeline"/> reuses an exchange on the thread that finished it synchronously, so everything
/// a request learns lives in one struct that <see cref="Clear"/> resets as a whole: a property added later
/// cannot carry one request's caller into the next.
/// </summary>
public sealed class RcmsExchange
{
    private State _state;

    internal RcmsExchange()
    {
    }

    /// <summary>Makes an exchange for one request.</summary>
    public RcmsExchange(HttpContext httpContext) => _state.HttpContext = httpContext;

    /// <summary>The HTTP request and response.</summary>
    public HttpContext HttpContext => _state.HttpContext!;

    /// <summary>The endpoint path below the API (no leading or trailing slash), a slice of the request path.</summary>
    public ReadOnlyMemory<char> EndpointPathText
    {
        get => _state.EndpointPathText;
        set
        {
            _state.EndpointPathText = value;
            _state.EndpointPath = null;
        }
    }

    /// <summary>The endpoint path as a string, made only when something needs one.</summary>
    public string EndpointPath => _state.EndpointPath ??= _state.EndpointPathText.ToString();

    /// <summary>The API, once resolved.</summary>
    public CompiledApi? Api
    {
        get => _state.Api;
        set => _state.Api = value;
    }

    /// <summary>The endpoint, once routed.</summary>
    public CompiledEndpoint? Endpoint
    {
        get => _state.Endpoint;
        set => _state.Endpoint = value;
    }

    /// <summary>True for a CORS preflight (<c>OPTIONS</c> with <c>Access-Control-Request-Method</c>).</summary>
    public bool IsPreflight
    {
        get => _state.IsPreflight;
        set => _state.IsPreflight = value;
    }

    /// <summary>The credential check's outcome; <see cref="RcmsAuthentication.None"/> when no credential was used.</summary>
    public RcmsAuthentication Authentication
    {
        get => _state.Authentication;
        set => _state.Authentication = value;
    }

    /// <summary>Starts the exchange of a new request (after <see cref="Clear"/>).</summary>
    internal void Start(HttpContext context) => _state.HttpContext = context;

    /// <summary>Forgets everything about the request it served.</summary>
    internal void Clear() => _state = default;

    private struct State
    {
        public HttpContext? HttpContext;
        public ReadOnlyMemory<char> EndpointPathText;
        public string? EndpointPath;
        public CompiledApi? Api;
        public CompiledEndpoint? Endpoint;
        public bool IsPreflight;
        public RcmsAuthentication Authentication;
    }
}
