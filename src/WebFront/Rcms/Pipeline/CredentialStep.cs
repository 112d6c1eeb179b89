using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>
/// Checks the credential of the API's mode as the endpoint asks (<see cref="CompiledEndpoint.Credential"/>):
/// required → 401 when it is missing or invalid; optional (a <c>public</c> endpoint) → a valid one
/// identifies the member, an invalid one is ignored; not used → not even read.
/// </summary>
public sealed class CredentialStep(RcmsAuthenticator authenticator) : IRcmsStep
{
    /// <inheritdoc/>
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        var use = exchange.Endpoint!.Credential;
        if (use == CredentialUse.NotUsed)
        {
            return ValueTask.FromResult(true);
        }

        // A credential answered without waiting (static tokens, and sessions this front remembers) needs no state machine.
        var pending = authenticator.AuthenticateAsync(exchange.HttpContext, exchange.Api!);
        return pending.IsCompletedSuccessfully
            ? Conclude(exchange, pending.Result, use == CredentialUse.Required)
            : ConcludeAsync(exchange, pending, use == CredentialUse.Required);
    }

    private static async ValueTask<bool> ConcludeAsync(RcmsExchange exchange, ValueTask<RcmsAuthentication> pending, bool required) =>
        await Conclude(exchange, await pending, required);

    private static ValueTask<bool> Conclude(RcmsExchange exchange, RcmsAuthentication authentication, bool required)
    {
        if (authentication.Succeeded)
        {
            exchange.Authentication = authentication;
            return ValueTask.FromResult(true);
        }

        // Optional: an invalid credential is ignored, a missing one leaves the request anonymous.
        return required
            ? RefuseAsync(exchange.HttpContext, authentication.Failure ?? RcmsResponse.AccessTokenRequired)
            : ValueTask.FromResult(true);
    }

    private static async ValueTask<bool> RefuseAsync(HttpContext context, string message)
    {
        await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, message);
        return false;
    }
}
