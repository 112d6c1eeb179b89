using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Authentication / Login / token</c>. Static mode: describes the presented static token.
/// Other modes: exchanges a grant token, or a refresh token, for tokens (docs/modes.md).
/// </summary>
public sealed class TokenOperation(SessionGrains sessionGrains, TokenKeyRing keys, SessionValidationCache cache, ApiSecurityMetrics metrics) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.Token;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        if (request.Api.Mode == SecurityMode.StaticToken)
        {
            await DescribeStaticTokenAsync(context, request.Api, caller);
            return;
        }

        var (status, document) = await RcmsRequestBody.ReadObjectAsync(context.Request);
        if (document is null)
        {
            await RcmsRequestBody.WriteFailureAsync(context, status);
            return;
        }

        string? grantToken, refreshToken;
        var errors = new List<FieldError>();
        using (document)
        {
            RcmsRequestBody.TryGetString(document.RootElement, "grant_token", errors, out grantToken);
            RcmsRequestBody.TryGetString(document.RootElement, "refresh_token", errors, out refreshToken);
        }

        if (errors.Count == 0 && string.IsNullOrEmpty(grantToken) && string.IsNullOrEmpty(refreshToken))
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Required, "grant_token", "grant_token or refresh_token is required"));
        }

        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        var isGrant = !string.IsNullOrEmpty(grantToken);
        TokenExchange? exchange = null;
        // A token whose MAC fails was not issued here: refused without a grain call.
        var mac = await keys.GetAsync();
        var authentic = mac.TryRead(isGrant ? grantToken : refreshToken, out var token);
        if (authentic)
        {
            var sessions = sessionGrains.For(token.MemberId);
            var policy = request.Endpoint.TokenPolicy;
            exchange = await StateConflict.RetryOnceAsync(() => isGrant
                ? sessions.RedeemGrantAsync(request.Api.Scope, token.Secret, policy)
                : sessions.RefreshAsync(request.Api.Scope, token.Secret, policy));
        }

        if (exchange is null)
        {
            // A refused exchange may have revoked a whole login (reuse of a grant or rotated refresh token).
            if (authentic)
            {
                cache.Forget(token.MemberId);
            }

            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized,
                isGrant ? "Invalid or expired grant token" : "Invalid or expired refresh token");
            return;
        }

        metrics.Issued("access");
        if (exchange.RefreshToken is not null)
        {
            metrics.Issued("refresh");
        }

        await RcmsResponse.OkAsync(context, writer =>
        {
            writer.WriteStartObject("access_token");
            writer.WriteString("value", exchange.AccessToken.Value);
            writer.WriteNumber("expiresAt", exchange.AccessToken.ExpiresAt);
            writer.WriteEndObject();
            if (exchange.RefreshToken is { } refresh)
            {
                writer.WriteStartObject("refresh_token");
                writer.WriteString("value", refresh.Value);
                writer.WriteNumber("expiresAt", refresh.ExpiresAt);
                writer.WriteEndObject();
            }
        });
    }

    private static Task DescribeStaticTokenAsync(HttpContext context, CompiledApi api, RcmsCaller? caller)
    {
        var tokenId = caller?.StaticTokenId;
        var token = tokenId is null ? null : api.StaticTokens.Values.Select(t => t.Record).FirstOrDefault(t => t.Id == tokenId);
        if (token is null)
        {
            return RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, RcmsResponse.AccessTokenRequired);
        }

        return RcmsResponse.OkAsync(context, writer =>
        {
            writer.WriteStartObject("access_token");
            writer.WriteNumber("expiresAt", token.ExpiresAt);
            writer.WriteEndObject();
            writer.WriteString("memo", token.Memo);
            if (token.MemberId is { } memberId)
            {
                writer.WriteNumber("member_id", memberId);
            }
            else
            {
                writer.WriteNull("member_id");
            }
        });
    }
}
