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
    public ValueTask<bool> InvokeAsync(RcmsExchange exchange) =>
        exchange.Endpoint!.Credential == CredentialUse.NotUsed ? ValueTask.FromResult(true) : CheckAsync(exchange);

    private async ValueTask<bool> CheckAsync(RcmsExchange exchange)
    {
        var context = exchange.HttpContext;
        var required = exchange.Endpoint!.Credential == CredentialUse.Required;
        var authentication = await authenticator.AuthenticateAsync(context, exchange.Api!);
        if (authentication.Failure is { } failure)
        {
            if (!required)
            {
                return true;
            }

            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, failure);
            return false;
        }

        if (!authentication.Succeeded && required)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, RcmsResponse.AccessTokenRequired);
            return false;
        }

        exchange.Authentication = authentication;
        return true;
    }
}
