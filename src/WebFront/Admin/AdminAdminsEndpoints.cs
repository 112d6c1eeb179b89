using System.Text.Json.Serialization;
using ApiSecurity.Grains.Admins;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Audit;
using ApiSecurity.Hosting.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiSecurity.WebFront.Admin;

/// <summary><c>POST /admin/admins</c>.</summary>
public sealed record AdminCreateRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("role")] string? Role);

/// <summary><c>POST /admin/admins/{adminId}/tokens</c>; <c>expires_at</c> in Unix seconds, absent for a token that does not expire.</summary>
[EmptyBodyAllowed]
public sealed record AdminTokenRequest([property: JsonPropertyName("expires_at")] long? ExpiresAt);

/// <summary>A named administrator.</summary>
public sealed record AdminView(
    [property: JsonPropertyName("admin_id")] string AdminId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("created_at")] long CreatedAt)
{
    /// <summary>Maps a record.</summary>
    public static AdminView From(AdminInfo a) => new(a.AdminId, a.Name, a.Role.ToWire(), a.CreatedAt);
}

/// <summary>The administrators.</summary>
public sealed record AdminListView([property: JsonPropertyName("admins")] IReadOnlyList<AdminView> Admins);

/// <summary>An administrator's credential; <c>value</c> only in the answer that issues it.</summary>
public sealed record AdminTokenView(
    [property: JsonPropertyName("token_id")] string TokenId,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value,
    [property: JsonPropertyName("created_at")] long CreatedAt,
    [property: JsonPropertyName("expires_at")] long? ExpiresAt)
{
    /// <summary>Maps a credential.</summary>
    public static AdminTokenView From(AdminTokenInfo t, string? value = null) => new(t.TokenId, value, t.CreatedAt, t.ExpiresAt);
}

/// <summary>An administrator's credentials.</summary>
public sealed record AdminTokenListView([property: JsonPropertyName("tokens")] IReadOnlyList<AdminTokenView> Tokens);

/// <summary>Who is signed in, and what they may do (the console hides what the role cannot use).</summary>
public sealed record AdminSessionView(
    [property: JsonPropertyName("admin_id")] string AdminId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("credential_id")] string CredentialId,
    [property: JsonPropertyName("permissions")] IReadOnlyList<string> Permissions);

/// <summary>One audit entry.</summary>
public sealed record AuditEntryView(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("at")] long At,
    [property: JsonPropertyName("admin")] string Admin,
    [property: JsonPropertyName("credential_id")] string? CredentialId,
    [property: JsonPropertyName("client_ip")] string? ClientIp,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("target")] IReadOnlyDictionary<string, string> Target,
    [property: JsonPropertyName("outcome")] int Outcome,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("hash")] string Hash)
{
    /// <summary>Maps an entry.</summary>
    public static AuditEntryView From(AuditEntry e) => new(e.Seq, e.At, e.Admin, e.CredentialId, e.ClientIp, e.Action, e.Target, e.Outcome, e.Summary, e.Hash);
}

/// <summary>A page of the audit trail, newest first; pass <c>next_before</c> as <c>before</c> for the next page.</summary>
public sealed record AuditListView(
    [property: JsonPropertyName("entries")] IReadOnlyList<AuditEntryView> Entries,
    [property: JsonPropertyName("next_before")] long? NextBefore);

/// <summary>The result of walking the hash chain.</summary>
public sealed record AuditVerifyView(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("first_bad_seq")] long? FirstBadSeq,
    [property: JsonPropertyName("checked")] long Checked);

/// <summary>Administrators, the console sign-in and the audit trail under <c>/admin</c>.</summary>
public static class AdminAdminsEndpoints
{
    /// <summary>Most audit pages one <c>GET /admin/audit</c> reads, so a filter that matches little still answers quickly.</summary>
    private const int MaxPagesPerQuery = 50;

    /// <summary>Maps the routes on the <c>/admin</c> group.</summary>
    public static void MapAdminAdmins(this RouteGroupBuilder admin)
    {
        admin.MapPost("/session", SignIn).RequirePermission(AdminPermissions.Read)
            .WithSummary("The console's sign-in: who the presented credential belongs to and what it may do (recorded in the audit trail)");

        admin.MapGet("/admins", ListAdminsAsync).WithSummary("List named administrators");
        admin.MapPost("/admins", CreateAdminAsync).RequirePermission(AdminPermissions.AdminsWrite)
            .WithSummary("Create an administrator: {name, role: admin|operator|viewer}");
        admin.MapWithIds("DELETE", "/admins/{adminId:adminid}", DeleteAdminAsync, NoAdmin).RequirePermission(AdminPermissions.AdminsWrite)
            .WithSummary("Delete an administrator; its tokens stop working within a second on every front");
        admin.MapWithIds("GET", "/admins/{adminId:adminid}/tokens", ListTokensAsync, NoAdmin).WithSummary("List an administrator's tokens (never their values)");
        admin.MapWithIds("POST", "/admins/{adminId:adminid}/tokens", IssueTokenAsync, NoAdmin).RequirePermission(AdminPermissions.AdminsWrite)
            .WithSummary("Issue a token: {expires_at?}; the value is shown once");
        admin.MapWithIds("DELETE", "/admins/{adminId:adminid}/tokens/{tokenId:maxlength(64)}", RevokeTokenAsync, _ => AdminHttp.NotFound("Token")).RequirePermission(AdminPermissions.AdminsWrite)
            .WithSummary("Revoke a token");

        admin.MapGet("/audit", ListAuditAsync).WithSummary("The audit trail, newest first: since (Unix seconds), admin (name), api_id, limit (≤ 500), before (seq)");
        admin.MapGet("/audit/verify", VerifyAuditAsync).WithSummary("Walk the hash chain; names the first entry that was altered or removed");
    }

    private static Ok<AdminSessionView> SignIn(HttpContext context)
    {
        var user = context.User;
        var role = user.FindFirst(AdminPermissions.RoleClaim)!.Value;
        AdminRoles.TryParse(role, out var parsed);
        context.Audit().Says($"console sign-in as {role}");
        return TypedResults.Ok(new AdminSessionView(
            user.FindFirst(AdminPermissions.AdminIdClaim)!.Value,
            user.FindFirst(AdminPermissions.NameClaim)!.Value,
            role,
            user.FindFirst(AdminPermissions.CredentialClaim)!.Value,
            AdminPermissions.Of(parsed)));
    }

    private static async Task<Ok<AdminListView>> ListAdminsAsync(IGrainFactory grains)
    {
        var list = await grains.GetGrain<IAdminDirectoryGrain>(0).ListAsync();
        return TypedResults.Ok(new AdminListView(list.Select(AdminView.From).ToList()));
    }

    private static async Task<Results<Created<AdminView>, ProblemHttpResult>> CreateAdminAsync(AdminBody<AdminCreateRequest> request, HttpContext context, IGrainFactory grains)
    {
        var body = request.Value;
        context.Audit().On("admin_name", body.Name).Says($"role: {body.Role}");
        var result = await grains.GetGrain<IAdminDirectoryGrain>(0).CreateAsync(body.Name, body.Role);
        if (result.Value is { } created)
        {
            context.Audit().On("admin_id", created.AdminId);
        }

        return AdminHttp.Map(result, a => TypedResults.Created($"/admin/admins/{a.AdminId}", AdminView.From(a)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAdminAsync(string adminId, HttpContext context, IGrainFactory grains, AdminCredentialResolver credentials)
    {
        var was = await grains.GetGrain<IAdminDirectoryGrain>(0).DeleteAsync(adminId);
        credentials.Forget(adminId);
        if (was is null)
        {
            return AdminHttp.NotFound("Administrator");
        }

        context.Audit().On("admin_name", was.Name).Says($"deleted {was.Role.ToWire()} '{was.Name}' and all its tokens");
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AdminTokenListView>, ProblemHttpResult>> ListTokensAsync(string adminId, IGrainFactory grains)
    {
        var tokens = await grains.GetGrain<IAdminGrain>(adminId).ListTokensAsync();
        return tokens is null
            ? AdminHttp.NotFound("Administrator")
            : TypedResults.Ok(new AdminTokenListView(tokens.Select(t => AdminTokenView.From(t)).ToList()));
    }

    private static async Task<Results<Created<AdminTokenView>, ProblemHttpResult>> IssueTokenAsync(string adminId, AdminBody<AdminTokenRequest> body, HttpContext context, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IAdminGrain>(adminId);
        context.Audit().On("admin_name", (await grain.GetAsync())?.Name);
        var result = await grain.IssueTokenAsync(body.Value.ExpiresAt);
        if (result.Value is { } issued)
        {
            // The id and expiry only: the value is the secret and goes to the caller alone.
            context.Audit().On("token_id", issued.Info.TokenId).Says($"issued token {issued.Info.TokenId}, expires_at: {issued.Info.ExpiresAt?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"}");
        }

        return AdminHttp.Map(result, t => TypedResults.Created($"/admin/admins/{adminId}/tokens/{t.Info.TokenId}", AdminTokenView.From(t.Info, t.Value)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(string adminId, string tokenId, HttpContext context, IGrainFactory grains, AdminCredentialResolver credentials)
    {
        var grain = grains.GetGrain<IAdminGrain>(adminId);
        context.Audit().On("admin_name", (await grain.GetAsync())?.Name);
        var revoked = await grain.RevokeTokenAsync(tokenId);
        credentials.Forget(adminId, tokenId);
        return revoked ? TypedResults.NoContent() : AdminHttp.NotFound("Token");
    }

    /// <summary>What a call with a malformed administrator id answers: the same as for one that does not exist.</summary>
    private static ProblemHttpResult NoAdmin(HttpContext context) => AdminHttp.NotFound("Administrator");

    private static async Task<Results<Ok<AuditListView>, ProblemHttpResult>> ListAuditAsync(IGrainFactory grains, long? since, string? admin, string? api_id, int? limit, long? before)
    {
        if (limit is < 1 or > 500)
        {
            return AdminHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request", "limit must be between 1 and 500.",
                [new AdminError(AdminErrorCodes.Invalid, "limit must be between 1 and 500", AdminFields.Limit)]);
        }

        var take = limit ?? 50;
        var head = await grains.GetGrain<IAuditLogGrain>(0).GetHeadAsync();
        var newest = before is { } b ? Math.Min(head.LastSeq, b - 1) : head.LastSeq;
        var found = new List<AuditEntryView>();
        long? nextBefore = null;
        var page = newest >= 1 ? AuditChain.PageOf(newest) : -1;
        for (var read = 0; page >= 0 && found.Count < take; page--, read++)
        {
            if (read == MaxPagesPerQuery)
            {
                nextBefore = (page + 1) * AuditChain.PageSize + 1;
                break;
            }

            var entries = await grains.GetGrain<IAuditPageGrain>(page).GetAsync();
            var reachedSince = false;
            foreach (var entry in entries.Reverse())
            {
                if (entry.Seq > newest)
                {
                    continue;
                }

                if (since is { } s && entry.At < s)
                {
                    reachedSince = true;
                    break;
                }

                if ((admin is null || string.Equals(entry.Admin, admin, StringComparison.Ordinal))
                    && (api_id is null || (entry.Target.TryGetValue("api_id", out var id) && string.Equals(id, api_id, StringComparison.Ordinal))))
                {
                    found.Add(AuditEntryView.From(entry));
                    if (found.Count == take)
                    {
                        nextBefore = entry.Seq > 1 ? entry.Seq : null;
                        break;
                    }
                }
            }

            if (reachedSince)
            {
                nextBefore = null;
                break;
            }
        }

        return TypedResults.Ok(new AuditListView(found, nextBefore));
    }

    private static async Task<Ok<AuditVerifyView>> VerifyAuditAsync(IGrainFactory grains)
    {
        var head = await grains.GetGrain<IAuditLogGrain>(0).GetHeadAsync();
        var previous = AuditChain.Genesis;
        long checkedCount = 0;
        long expected = 1;
        for (long page = 0; head.LastSeq > 0 && page <= AuditChain.PageOf(head.LastSeq); page++)
        {
            var entries = (await grains.GetGrain<IAuditPageGrain>(page).GetAsync()).Where(e => e.Seq <= head.LastSeq);
            if (AuditChain.FirstBad(expected, ref previous, entries, ref checkedCount) is { } bad)
            {
                return TypedResults.Ok(new AuditVerifyView(false, bad, checkedCount));
            }

            expected = checkedCount + 1;
        }

        // Entries cut off the end, or a head that no longer matches the last entry.
        if (checkedCount < head.LastSeq)
        {
            return TypedResults.Ok(new AuditVerifyView(false, checkedCount + 1, checkedCount));
        }

        return head.LastSeq > 0 && !string.Equals(previous, head.LastHash, StringComparison.Ordinal)
            ? TypedResults.Ok(new AuditVerifyView(false, head.LastSeq, checkedCount))
            : TypedResults.Ok(new AuditVerifyView(true, null, checkedCount));
    }
}
