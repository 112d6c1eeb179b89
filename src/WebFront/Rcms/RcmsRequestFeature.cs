namespace ApiSecurity.WebFront.Rcms;

/// <summary>The API (and endpoint) a <c>/rcms-api</c> request was routed to, for the steps after routing.</summary>
public sealed class RcmsRequestFeature(CompiledApi api, CompiledEndpoint endpoint)
{
    /// <summary>The API.</summary>
    public CompiledApi Api { get; } = api;

    /// <summary>The endpoint.</summary>
    public CompiledEndpoint Endpoint { get; } = endpoint;
}
