using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Admin;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Mail;
using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.Extensions.Options;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Member / Member / update</c>: the caller changes its names, and its e-mail address with its
/// current password (a stolen session alone cannot move the account to another address). With
/// e-mail configured, the new address must be confirmed: a code is mailed to it and <c>{code}</c>
/// makes the switch; an address held by another member gets a notice instead, and the answer is the same.
/// </summary>
public sealed class MemberUpdateOperation(IGrainFactory grains, MailSender mail, MailOutbox outbox, IOptions<MailBudgetOptions> budget) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.MemberUpdate;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        if (caller?.MemberId is not { } memberId)
        {
            // A mode-none API, or a static token bound to no member: there is no own record to act on.
            await SelfServiceHttp.FailAsync(context, SelfServiceStatus.NotFound);
            return;
        }

        var fields = await SelfServiceHttp.ReadStringsAsync(context, "name1", "name2", "nickname", "email", "current_password", "code");
        if (fields is null)
        {
            return;
        }

        var member = grains.GetGrain<IMemberGrain>(memberId);
        if (fields["code"] is { } code)
        {
            // The second step of an e-mail change: the code mailed to the new address.
            var confirmed = await StateConflict.RetryOnceAsync(() => member.ConfirmEmailChangeAsync(code));
            if (confirmed != SelfServiceStatus.Ok)
            {
                await SelfServiceHttp.FailAsync(context, confirmed, "code");
                return;
            }

            await SelfServiceHttp.OkIdAsync(context, memberId);
            return;
        }

        var check = new NewMember(fields["email"] ?? "placeholder@example.com", "placeholder", fields["name1"], fields["name2"], fields["nickname"], null);
        var errors = MemberValidation.Validate(check).Select(e => new FieldError(e.Code, AdminWireFields.Of(e.Field), e.Message)).ToList();
        string? newEmail = null;
        if (errors.Count == 0 && fields["email"] is { } email && MemberValidation.NormalizeEmail(email) is { } normalized
            && await member.GetProfileAsync() is { } profile && profile.Email != normalized)
        {
            SelfServiceHttp.Require(fields, "current_password", errors);
            newEmail = normalized;
        }

        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        if (newEmail is not null && mail.Enabled)
        {
            // Confirmed by mail: nothing switches now, and a taken address answers like a free one.
            EmailChangeStart? start = null;
            if (!await SelfServiceHttp.HashingAsync(context, async () =>
                    start = await StateConflict.RetryOnceAsync(() => member.BeginEmailChangeAsync(newEmail, fields["current_password"]!, SelfServiceHttp.ClientIp(context)))))
            {
                return;
            }

            if (start!.Status != SelfServiceStatus.Ok)
            {
                await SelfServiceHttp.FailAsync(context, start.Status);
                return;
            }

            if (await grains.GetGrain<IEmailIndexGrain>(newEmail).TryTakeMailAsync(budget.Value.PerMinute, budget.Value.PerHour))
            {
                var (subject, body) = start.Code is { } mailed
                    ? (MemberMail.EmailChangeSubject, MemberMail.EmailChange(mailed, start.ExpiresAt))
                    : (MemberMail.EmailChangeTakenSubject, MemberMail.EmailChangeTaken());
                if (!outbox.TryEnqueue(ct => mail.SendAsync(newEmail, subject, body, ct)))
                {
                    await RcmsResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RcmsResponse.Codes.Unavailable, "Too many e-mails waiting; retry shortly");
                    return;
                }
            }

            fields["email"] = null;
        }

        var change = new ProfileChange(fields["name1"], fields["name2"], fields["nickname"], fields["email"], fields["current_password"]);
        var status = SelfServiceStatus.NotFound;
        if (!await SelfServiceHttp.HashingAsync(context, async () =>
                status = await StateConflict.RetryOnceAsync(() => member.UpdateProfileAsync(change, SelfServiceHttp.ClientIp(context)))))
        {
            return;
        }

        if (status != SelfServiceStatus.Ok)
        {
            await SelfServiceHttp.FailAsync(context, status);
            return;
        }

        await SelfServiceHttp.OkIdAsync(context, memberId);
    }
}
