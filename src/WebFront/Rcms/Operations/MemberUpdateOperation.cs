using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Member / Member / update</c>: the caller changes its names, and its e-mail address with its
/// current password (a stolen session alone cannot move the account to another address).
/// </summary>
public sealed class MemberUpdateOperation(IGrainFactory grains) : IRcmsOperation
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

        var fields = await SelfServiceHttp.ReadStringsAsync(context, "name1", "name2", "nickname", "email", "current_password");
        if (fields is null)
        {
            return;
        }

        var member = grains.GetGrain<IMemberGrain>(memberId);
        var check = new NewMember(fields["email"] ?? "placeholder@example.com", "placeholder", fields["name1"], fields["name2"], fields["nickname"], null);
        var errors = MemberValidation.Validate(check).Select(e => new FieldError(e.Code, e.Field, e.Message)).ToList();
        if (errors.Count == 0 && fields["email"] is { } email && MemberValidation.NormalizeEmail(email) is { } normalized
            && await member.GetProfileAsync() is { } profile && profile.Email != normalized)
        {
            SelfServiceHttp.Require(fields, "current_password", errors);
        }

        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
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
