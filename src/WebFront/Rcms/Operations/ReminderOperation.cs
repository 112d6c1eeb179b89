using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Security;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Mail;
using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.Extensions.Options;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Authentication / Login / reminder</c>, Kuroco's two steps. Step 1 <c>{email}</c> always answers
/// 200 at once and queues the same job for every address; the job e-mails a reset token and a
/// temporary password (a one-time code, 30 minutes) only when the address is registered, within the
/// address's <see cref="MailBudgetOptions"/>. Step 2
/// <c>{token, temp_pwd, login_pwd}</c> sets the new password and ends every login of the member.
/// </summary>
public sealed class ReminderOperation(IGrainFactory grains, MailSender mail, MailOutbox outbox, TokenKeyRing keys, SessionValidationCache cache, ApiSecurityMetrics metrics, IOptions<MailBudgetOptions> budget) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.Reminder;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        var fields = await SelfServiceHttp.ReadStringsAsync(context, "email", "token", "temp_pwd", "login_pwd");
        if (fields is null || !await SelfServiceHttp.RequireMailAsync(context, mail))
        {
            return;
        }

        if (fields["token"] is not null || fields["temp_pwd"] is not null)
        {
            await ResetAsync(context, fields);
            return;
        }

        var email = MemberValidation.NormalizeEmail(fields["email"]);
        if (email is null)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status400BadRequest,
                string.IsNullOrWhiteSpace(fields["email"]) ? RcmsResponse.Codes.Required : RcmsResponse.Codes.Invalid, "email is required and must be a valid address", "email");
            return;
        }

        // The same budget for every address, registered or not (Security:MailBudget): beyond it the answer is the same and nothing is sent.
        if (await grains.GetGrain<IEmailIndexGrain>(email).TryTakeMailAsync(budget.Value.PerMinute, budget.Value.PerHour)
            && !outbox.TryEnqueue(ct => SendReminderAsync(email, ct)))
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RcmsResponse.Codes.Unavailable, "Too many e-mails waiting; retry shortly");
            return;
        }

        await RcmsResponse.OkAsync(context, SelfServiceHttp.Nothing);
    }

    private async Task SendReminderAsync(string email, CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<IEmailIndexGrain>(email).GetMemberIdAsync() is not { } memberId
            || await grains.GetGrain<IMemberGrain>(memberId).StartPasswordResetAsync() is not { } reset)
        {
            return;
        }

        await mail.SendAsync(reset.Email, MemberMail.ResetSubject, MemberMail.Reset(reset.Token, reset.Code, reset.ExpiresAt), cancellationToken);
    }

    private async Task ResetAsync(HttpContext context, Dictionary<string, string?> fields)
    {
        var errors = new List<FieldError>();
        SelfServiceHttp.Require(fields, "token", errors);
        SelfServiceHttp.Require(fields, "temp_pwd", errors);
        SelfServiceHttp.CheckNewPassword(fields["login_pwd"], "login_pwd", errors);
        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        // The token is MAC-signed like a session token: one this cluster did not issue is refused here, with no grain call.
        var mac = await keys.GetAsync();
        if (!mac.TryRead(fields["token"], out var token))
        {
            await SelfServiceHttp.FailAsync(context, SelfServiceStatus.WrongCode, "token");
            return;
        }

        var status = SelfServiceStatus.WrongCode;
        if (!await SelfServiceHttp.HashingAsync(context, async () => status = await StateConflict.RetryOnceAsync(() =>
                grains.GetGrain<IMemberGrain>(token.MemberId).FinishPasswordResetAsync(token.Secret, fields["temp_pwd"]!, fields["login_pwd"]!))))
        {
            return;
        }

        if (status != SelfServiceStatus.Ok)
        {
            await SelfServiceHttp.FailAsync(context, status, "temp_pwd");
            return;
        }

        cache.Forget(token.MemberId);
        metrics.Revoked("password_reset");
        await RcmsResponse.OkAsync(context, SelfServiceHttp.Nothing);
    }
}
