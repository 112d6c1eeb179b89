using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Admin;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Mail;
using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.Extensions.Options;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Member / Member / insert</c>: self-registration. Without <c>confirm_email</c> the member is
/// created at once and an address already registered is refused on <c>email</c>. With it, every
/// well-formed request answers <c>{"id":null}</c> at once and the rest happens after the answer: a
/// new address receives a confirmation code (an <c>insert</c> with <c>{email, code}</c>, optionally
/// <c>login_pwd</c>, activates the member), a registered one a notice, so the answer says nothing about which addresses exist.
/// Each address gets at most <see cref="MailBudgetOptions"/> e-mails; further requests send nothing.
/// </summary>
public sealed class MemberInsertOperation(IGrainFactory grains, MailSender mail, MailOutbox outbox, IOptions<MailBudgetOptions> budget) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.MemberInsert;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        var (fields, flags) = await SelfServiceHttp.ReadAsync(context, ["email", "login_pwd", "name1", "name2", "nickname", "code"], ["validate_only"]);
        if (fields is null)
        {
            return;
        }

        var settings = request.Endpoint.Settings;
        if (fields["code"] is { } code)
        {
            await ActivateAsync(context, settings, fields["email"], code, fields["login_pwd"]);
            return;
        }

        var member = new NewMember(fields["email"], fields["login_pwd"], fields["name1"], fields["name2"], fields["nickname"], settings.Groups);
        var errors = MemberValidation.Validate(member)
            .Select(e => new FieldError(e.Code, e.Field == AdminFields.Password ? "login_pwd" : AdminWireFields.Of(e.Field), e.Message.Replace("password", "login_pwd", StringComparison.Ordinal)))
            .ToList();
        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        if (flags!["validate_only"])
        {
            await SelfServiceHttp.OkIdAsync(context, null);
            return;
        }

        var email = MemberValidation.NormalizeEmail(member.Email)!;
        if (settings.ConfirmEmail)
        {
            if (!await SelfServiceHttp.RequireMailAsync(context, mail))
            {
                return;
            }

            // Every address has a small e-mail budget (Security:MailBudget): beyond it the answer is the same and nothing is sent.
            if (await grains.GetGrain<IEmailIndexGrain>(email).TryTakeMailAsync(budget.Value.PerMinute, budget.Value.PerHour)
                && !outbox.TryEnqueue(ct => StartConfirmationAsync(email, member, ct)))
            {
                await RcmsResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RcmsResponse.Codes.Unavailable, "Too many e-mails waiting; retry shortly");
                return;
            }

            await SelfServiceHttp.OkIdAsync(context, null);
            return;
        }

        AdminResult<MemberProfile>? result = null;
        if (!await SelfServiceHttp.HashingAsync(context, async () => result = await StateConflict.RetryOnceAsync(() => grains.GetGrain<IEmailIndexGrain>(email).RegisterAsync(member))))
        {
            return;
        }

        if (result!.Value is { } profile)
        {
            await SelfServiceHttp.OkIdAsync(context, profile.MemberId);
            return;
        }

        // Without confirmation a sign-up form cannot hide that an address is taken (docs/endpoints.md): rate-limit this endpoint.
        await RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "This e-mail address cannot be registered", "email");
    }

    private async Task ActivateAsync(HttpContext context, EndpointSettings settings, string? rawEmail, string code, string? password)
    {
        if (!settings.ConfirmEmail)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "This endpoint does not confirm e-mail addresses", "code");
            return;
        }

        if (!await SelfServiceHttp.RequireMailAsync(context, mail))
        {
            return;
        }

        var email = MemberValidation.NormalizeEmail(rawEmail);
        if (email is null)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest,
                string.IsNullOrWhiteSpace(rawEmail) ? RcmsResponse.Codes.Required : RcmsResponse.Codes.Invalid, "email is required and must be a valid address", "email");
            return;
        }

        if (password is not null)
        {
            var errors = new List<FieldError>();
            SelfServiceHttp.CheckNewPassword(password, "login_pwd", errors);
            if (errors.Count > 0)
            {
                await RcmsResponse.ValidationAsync(context, errors);
                return;
            }
        }

        AdminResult<MemberProfile>? result = null;
        if (!await SelfServiceHttp.HashingAsync(context, async () => result = await StateConflict.RetryOnceAsync(() => grains.GetGrain<IEmailIndexGrain>(email).ConfirmRegistrationAsync(code, password))))
        {
            return;
        }

        if (result!.Value is { } profile)
        {
            await SelfServiceHttp.OkIdAsync(context, profile.MemberId);
            return;
        }

        await RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest, RcmsResponse.Codes.Invalid, "The confirmation code is wrong, already used or expired", "code");
    }

    private async Task StartConfirmationAsync(string email, NewMember member, CancellationToken cancellationToken)
    {
        var start = await grains.GetGrain<IEmailIndexGrain>(email).BeginConfirmedRegistrationAsync(member);
        if (start.AlreadyRegistered)
        {
            await mail.SendAsync(email, MemberMail.AlreadyRegisteredSubject, MemberMail.AlreadyRegistered(), cancellationToken);
        }
        else
        {
            await mail.SendAsync(email, MemberMail.ConfirmSubject, MemberMail.Confirm(start.Code!, start.ExpiresAt), cancellationToken);
        }
    }
}
