using ApiSecurity.Grains.Members;
using ApiSecurity.Hosting.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiSecurity.WebFront.Admin;

/// <summary>A member's second factor under <c>/admin/members/{memberId}/mfa</c>: read its state, reset it.</summary>
public static class AdminMfaEndpoints
{
    /// <summary>Maps the routes onto the admin group (which carries the admin authorization).</summary>
    public static RouteGroupBuilder MapAdminMfa(this RouteGroupBuilder admin)
    {
        admin.MapWithIds("GET", "/members/{memberId:memberid}/mfa", GetAsync, AdminEndpoints.NoMember)
            .WithSummary("A member's second factor: {enrolled, enrolled_at, pending, recovery_codes_left}");
        admin.MapWithIds("POST", "/members/{memberId:memberid}/mfa", ResetAsync, AdminEndpoints.NoMember)
            .RequirePermission(AdminPermissions.MembersWrite)
            .WithSummary("Reset a member's second factor (the member logs in with the password alone and may enrol again); answers the new state");
        return admin;
    }

    private static async Task<Results<Ok<MfaView>, ProblemHttpResult>> GetAsync(long memberId, IGrainFactory grains)
    {
        var status = await grains.GetGrain<IMemberGrain>(memberId).GetMfaStatusAsync();
        return status is null ? AdminHttp.NotFound("Member") : TypedResults.Ok(MfaView.From(status));
    }

    private static async Task<Results<Ok<MfaView>, ProblemHttpResult>> ResetAsync(long memberId, HttpContext context, IGrainFactory grains)
    {
        if (!await grains.GetGrain<IMemberGrain>(memberId).ResetMfaAsync())
        {
            context.Audit().Says("no such member");
            return AdminHttp.NotFound("Member");
        }

        context.Audit().Says("second factor reset");

        var status = await grains.GetGrain<IMemberGrain>(memberId).GetMfaStatusAsync();
        return status is null ? AdminHttp.NotFound("Member") : TypedResults.Ok(MfaView.From(status));
    }
}

/// <summary>A member's second factor as the admin API shows it (never the secret or the codes).</summary>
public sealed record MfaView(bool Enrolled, long? EnrolledAt, bool Pending, int RecoveryCodesLeft)
{
    /// <summary>Maps a state.</summary>
    public static MfaView From(MfaStatus s) => new(s.Enrolled, s.EnrolledAt, s.Pending, s.RecoveryCodesLeft);
}
