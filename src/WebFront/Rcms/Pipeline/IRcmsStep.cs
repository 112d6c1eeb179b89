namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// One step of the <c>/rcms-api</c> pipeline, a singleton with one reason to stop a request. The order
/// is <see cref="RcmsPipeline.Steps"/>.
/// </summary>
public interface IRcmsStep
{
    /// <summary>Runs the step: true to go on, false when the step has answered the request.</summary>
    ValueTask<bool> InvokeAsync(RcmsExchange exchange);
}
