using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Authentication / Login / mfa_setup</c>: <c>{}</c> starts an enrolment and shows the TOTP secret
/// (as an <c>otpauth://</c> URI) and the recovery codes once; <c>{onetime_password}</c> finishes it with
/// a first code from the authenticator; <c>{disable: true, current_password}</c> removes the second factor.
/// </summary>
public sealed class MfaSetupOperation(IGrainFactory grains, IConfiguration configuration) : IRcmsOperation
{
    /// <summary>The issuer shown in authenticator apps when <c>Mfa:Issuer</c> is not set.</summary>
    public const string DefaultIssuer = "API Security";

    /// <inheritdoc/>
    public Operation Operation => Operation.MfaSetup;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        if (caller?.MemberId is not { } memberId)
        {
            // A mode-none API, or a static token bound to no member: there is no own record to act on.
            await SelfServiceHttp.FailAsync(context, SelfServiceStatus.NotFound);
            return;
        }

        var (fields, flags) = await SelfServiceHttp.ReadAsync(context, ["onetime_password", "current_password"], ["disable"]);
        if (fields is null)
        {
            return;
        }

        var member = grains.GetGrain<IMemberGrain>(memberId);
        var clientIp = SelfServiceHttp.ClientIp(context);
        if (flags!["disable"])
        {
            var errors = new List<FieldError>();
            SelfServiceHttp.Require(fields, "current_password", errors);
            if (errors.Count > 0)
            {
                await RcmsResponse.ValidationAsync(context, errors);
                return;
            }

            var status = SelfServiceStatus.NotFound;
            if (await SelfServiceHttp.HashingAsync(context, async () => status = await StateConflict.RetryOnceAsync(() => member.DisableMfaAsync(fields["current_password"]!, clientIp))))
            {
                await (status == SelfServiceStatus.Ok ? RcmsResponse.OkAsync(context, w => w.WriteBoolean("enrolled", false)) : SelfServiceHttp.FailAsync(context, status));
            }

            return;
        }

        if (fields["onetime_password"] is { } code)
        {
            var status = await StateConflict.RetryOnceAsync(() => member.ConfirmMfaEnrolmentAsync(code, clientIp));
            if (status == SelfServiceStatus.Conflict)
            {
                await RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "No enrolment is waiting for a code: call mfa_setup with {} first", "onetime_password");
                return;
            }

            await (status == SelfServiceStatus.Ok ? RcmsResponse.OkAsync(context, w => w.WriteBoolean("enrolled", true)) : SelfServiceHttp.FailAsync(context, status));
            return;
        }

        var issuer = configuration["Mfa:Issuer"] is { Length: > 0 } configured ? configured : DefaultIssuer;
        var enrolment = await StateConflict.RetryOnceAsync(() => member.BeginMfaEnrolmentAsync(issuer));
        if (enrolment is null)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "A second factor is already enrolled: disable it first", "body");
            return;
        }

        await RcmsResponse.OkAsync(context, writer =>
        {
            writer.WriteString("otpauth_uri", enrolment.OtpauthUri);
            writer.WriteStartArray("recovery_codes");
            foreach (var recovery in enrolment.RecoveryCodes)
            {
                writer.WriteStringValue(recovery);
            }

            writer.WriteEndArray();
        });
    }
}
