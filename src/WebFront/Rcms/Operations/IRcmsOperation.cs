using ApiSecurity.Grains.Apis;

using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>One operation an endpoint can be bound to (docs/endpoints.md), run last in the request pipeline.</summary>
public interface IRcmsOperation
{
    /// <summary>The operation this handles.</summary>
    Operation Operation { get; }

    /// <summary>Handles the request. <paramref name="caller"/> is the authenticated principal, or null without credential.</summary>
    Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller);
}
