using System.Globalization;
using System.Text.Json;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Hosting.Admin;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms;
using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiSecurity.WebFront.Admin;

/// <summary>The admin API under <c>/admin</c> (snake_case JSON, RFC 9457 problems), behind the admin bearer token.</summary>
public static class AdminEndpoints
{
    /// <summary>Maps every admin route.</summary>
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAuthorization(AdminAuthenticationHandler.Policy).WithTags("admin")
            .AddEndpointFilter(AdminBody.Filter);

        admin.MapGet("/apis", ListApisAsync).WithSummary("List APIs");
        admin.MapWithIds("GET", "/apis/{apiId:apiid}", GetApiAsync, NoApi).WithSummary("Read an API: security, CORS, endpoints");
        admin.MapWithIds("PUT", "/apis/{apiId:apiid}", UpsertApiAsync, _ => InvalidApiId()).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Create (201) or update (200) an API: {name, enabled}");
        admin.MapWithIds("DELETE", "/apis/{apiId:apiid}", DeleteApiAsync, NoApi).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Delete an API (its tokens never work on a later API of the same id)");
        admin.MapWithIds("PUT", "/apis/{apiId:apiid}/security", SetSecurityAsync, NoApi).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Set the security mode and IP allow-list: {mode, ip_restriction}");
        admin.MapWithIds("PUT", "/apis/{apiId:apiid}/cors", SetCorsAsync, NoApi).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Set CORS: {allow_origins, allow_methods, allow_headers, max_age, allow_credentials}");
        admin.MapWithIds("GET", "/apis/{apiId:apiid}/endpoints", ListEndpointsAsync, NoApi).WithSummary("List endpoints");
        admin.MapWithIds("POST", "/apis/{apiId:apiid}/endpoints", AddEndpointAsync, NoApi).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Add an endpoint: {method, path, category, model, operation, settings}");
        admin.MapWithIds("PUT", "/apis/{apiId:apiid}/endpoints/{endpointId:endpointid}", UpdateEndpointAsync, NoEndpoint).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Edit an endpoint in place, keeping its id: {method, path, category, model, operation, settings} (409 when the mode needs what it would lose)");
        admin.MapWithIds("DELETE", "/apis/{apiId:apiid}/endpoints/{endpointId:endpointid}", RemoveEndpointAsync, NoEndpoint).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Remove an endpoint (409 when the mode needs it)");
        admin.MapWithIds("GET", "/apis/{apiId:apiid}/static-tokens", ListStaticTokensAsync, NoApi).WithSummary("List static tokens (never their values)");
        admin.MapWithIds("POST", "/apis/{apiId:apiid}/static-tokens", IssueStaticTokenAsync, NoApi).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Issue a static token: {memo, expires_at, member_id}; the value is shown once");
        admin.MapWithIds("DELETE", "/apis/{apiId:apiid}/static-tokens/{tokenId:maxlength(64)}", RevokeStaticTokenAsync, _ => AdminHttp.NotFound("Static token")).RequirePermission(AdminPermissions.ApisWrite).WithSummary("Revoke a static token");

        admin.MapGet("/static-tokens/expiring", ListExpiringStaticTokensAsync).WithSummary("Static tokens of every API that expire within `days` (default 7, at most 365), soonest first");

        admin.MapGet("/members", ListMembersAsync).WithSummary("List members (offset, limit)");
        admin.MapPost("/members", RegisterMemberAsync).RequirePermission(AdminPermissions.MembersWrite).WithSummary("Register a member: {email, password, name1, name2, nickname, groups}");
        admin.MapWithIds("GET", "/members/{memberId:memberid}", GetMemberAsync, NoMember).WithSummary("Read a member");
        admin.MapWithIds("DELETE", "/members/{memberId:memberid}", DeleteMemberAsync, NoMember).RequirePermission(AdminPermissions.MembersWrite).WithSummary("Delete a member and end all its logins");
        admin.MapWithIds("POST", "/members/{memberId:memberid}/unlock", UnlockMemberAsync, NoMember).RequirePermission(AdminPermissions.MembersWrite).WithSummary("Unlock a member locked out by failed logins");
        admin.MapAdminMfa();
        admin.MapWithIds("GET", "/members/{memberId:memberid}/logins", ListLoginHistoryAsync, NoMember).WithSummary("A member's most recent login attempts (time, client IP, outcome), newest first");
        admin.MapWithIds("GET", "/members/{memberId:memberid}/sessions", ListSessionsAsync, NoMember).WithSummary("List a member's live logins");
        admin.MapWithIds("DELETE", "/members/{memberId:memberid}/sessions", RevokeSessionsAsync, NoMember).RequirePermission(AdminPermissions.MembersWrite).WithSummary("End every login of a member");
        admin.MapWithIds("DELETE", "/members/{memberId:memberid}/sessions/{sessionId:maxlength(64)}", RevokeSessionAsync, NoSession).RequirePermission(AdminPermissions.MembersWrite).WithSummary("End one login");

        admin.MapAdminAdmins();
    }

    private static async Task<Ok<ApiListView>> ListApisAsync(IGrainFactory grains)
    {
        var ids = await ApiIdsAsync(grains);
        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<IApiGrain>(id).GetSnapshotAsync()));
        var list = snapshots.OfType<ApiSnapshot>()
            .Select(s => new ApiSummary(s.ApiId, s.Name, s.Enabled, s.Mode.ToWire(), s.Endpoints.Count, s.Version))
            .ToList();
        return TypedResults.Ok(new ApiListView(list));
    }

    /// <summary>Every existing API id, in order (from the catalog).</summary>
    private static async Task<List<string>> ApiIdsAsync(IGrainFactory grains)
    {
        var catalog = await grains.GetGrain<IApiCatalogGrain>(0).GetAllAsync();
        return catalog.Versions.Keys.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<Results<Ok<ApiView>, ProblemHttpResult>> GetApiAsync(string apiId, IGrainFactory grains)
    {
        var snapshot = await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync();
        return snapshot is null ? AdminHttp.NotFound("API") : TypedResults.Ok(ApiView.From(snapshot));
    }

    private static async Task<Results<Created<ApiView>, Ok<ApiView>, ProblemHttpResult>> UpsertApiAsync(string apiId, AdminBody<ApiUpsertRequest> body, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache)
    {
        var before = await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync();
        var result = await grains.GetGrain<IApiGrain>(apiId).UpsertAsync(body.Value.Name, body.Value.Enabled);
        var after = result.Value?.Snapshot;
        context.Audit().On("api_name", after?.Name ?? before?.Name ?? body.Value.Name)
            .Says(before is null ? "created" : "updated")
            .Changed("name", before?.Name, after?.Name ?? body.Value.Name)
            .Changed("enabled", Text(before?.Enabled), Text(after?.Enabled ?? body.Value.Enabled));
        await RefreshOnSuccessAsync(result, apiId, cache);
        if (result.Outcome != AdminOutcome.Ok)
        {
            return AdminHttp.Failure(result);
        }

        var view = ApiView.From(result.Value!.Snapshot);
        if (result.Value.Created)
        {
            return TypedResults.Created($"/admin/apis/{apiId}", view);
        }

        return TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteApiAsync(string apiId, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache)
    {
        var before = await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync();
        context.Audit().On("api_name", before?.Name).Says(before is null ? "no such API" : $"deleted (mode was {before.Mode.ToWire()}, {before.Endpoints.Count} endpoints)");

        var result = await grains.GetGrain<IApiGrain>(apiId).DeleteAsync();
        await RefreshOnSuccessAsync(result, apiId, cache);
        return AdminHttp.Map(result, _ => TypedResults.NoContent());
    }

    private static async Task<Results<Ok<ApiView>, ProblemHttpResult>> SetSecurityAsync(string apiId, AdminBody<SecurityRequest> body, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache)
    {
        List<string>? entries = null;
        if (body.Value.IpRestriction is { } ip)
        {
            switch (ip.ValueKind)
            {
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.String:
                    entries = [ip.GetString()!];
                    break;
                case JsonValueKind.Array when ip.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                    entries = ip.EnumerateArray().Select(e => e.GetString()!).ToList();
                    break;
                default:
                    return AdminHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request", "ip_restriction must be an array of strings or one string with one entry per line.",
                        [new AdminError(AdminErrorCodes.Invalid, "ip_restriction must be an array of strings or one string with one entry per line", AdminFields.IpRestriction)]);
            }
        }

        if (body.Value.Mode is null && entries is null)
        {
            return AdminHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request", "mode or ip_restriction is required.",
                [new AdminError(AdminErrorCodes.Required, "mode is required", AdminFields.Mode)]);
        }

        var before = await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync();
        var result = await grains.GetGrain<IApiGrain>(apiId).SetSecurityAsync(body.Value.Mode, entries);
        var note = context.Audit().On("api_name", before?.Name)
            .Changed("mode", before?.Mode.ToWire(), result.Value?.Mode.ToWire() ?? body.Value.Mode)
            .Changed("ip_restriction", List(before?.IpRestriction), List(result.Value?.IpRestriction ?? entries ?? before?.IpRestriction));
        if (result.Outcome != AdminOutcome.Ok)
        {
            note.Says("refused: " + string.Join(" ", result.Errors.Select(e => e.Message)));
        }
        await RefreshOnSuccessAsync(result, apiId, cache);
        return AdminHttp.Map(result, s => TypedResults.Ok(ApiView.From(s)));
    }

    private static async Task<Results<Ok<CorsView>, ProblemHttpResult>> SetCorsAsync(string apiId, AdminBody<CorsRequest> body, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache)
    {
        var settings = new CorsSettings(body.Value.AllowOrigins ?? [], body.Value.AllowMethods ?? [], body.Value.AllowHeaders ?? [], body.Value.MaxAge, body.Value.AllowCredentials ?? false);
        var before = await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync();
        var result = await grains.GetGrain<IApiGrain>(apiId).SetCorsAsync(settings);
        context.Audit().On("api_name", before?.Name)
            .Changed("allow_origins", List(before?.Cors.AllowOrigins), List(settings.AllowOrigins))
            .Changed("allow_methods", List(before?.Cors.AllowMethods), List(settings.AllowMethods))
            .Changed("allow_headers", List(before?.Cors.AllowHeaders), List(settings.AllowHeaders))
            .Changed("max_age", Text(before?.Cors.MaxAge), Text(settings.MaxAge))
            .Changed("allow_credentials", Text(before?.Cors.AllowCredentials), Text<bool>(settings.AllowCredentials));
        await RefreshOnSuccessAsync(result, apiId, cache);
        return AdminHttp.Map(result, s => TypedResults.Ok(CorsView.From(s.Cors)));
    }

    private static async Task<Results<Ok<EndpointListView>, ProblemHttpResult>> ListEndpointsAsync(string apiId, IGrainFactory grains)
    {
        var snapshot = await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync();
        return snapshot is null
            ? AdminHttp.NotFound("API")
            : TypedResults.Ok(new EndpointListView(snapshot.Endpoints.Select(EndpointView.From).ToList()));
    }

    private static async Task<Results<Created<EndpointView>, ProblemHttpResult>> AddEndpointAsync(string apiId, AdminBody<EndpointRequest> body, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache)
    {
        if (body.Value.Settings is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return AdminHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request", "settings must be a JSON object.",
                [new AdminError(AdminErrorCodes.Invalid, "settings must be a JSON object", AdminFields.Settings)]);
        }

        var settings = body.Value.Settings is { ValueKind: JsonValueKind.Object } s ? s.GetRawText() : null;
        var result = await grains.GetGrain<IApiGrain>(apiId).AddEndpointAsync(
            new NewEndpoint(body.Value.Method, body.Value.Path, body.Value.Category, body.Value.Model, body.Value.Operation, settings));
        context.Audit().On("endpoint_id", result.Value?.Id.ToString(CultureInfo.InvariantCulture))
            .Says($"added {body.Value.Method} {body.Value.Path} ({body.Value.Operation})").Says(Refusal(result));
        await RefreshOnSuccessAsync(result, apiId, cache);
        return AdminHttp.Map(result, e => TypedResults.Created($"/admin/apis/{apiId}/endpoints/{e.Id}", EndpointView.From(e)));
    }

    private static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> UpdateEndpointAsync(string apiId, long endpointId, AdminBody<EndpointRequest> body, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache)
    {
        if (body.Value.Settings is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return AdminHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request", "settings must be a JSON object.",
                [new AdminError(AdminErrorCodes.Invalid, "settings must be a JSON object", AdminFields.Settings)]);
        }

        var settings = body.Value.Settings is { ValueKind: JsonValueKind.Object } s ? s.GetRawText() : null;
        var old = (await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync())?.Endpoints.FirstOrDefault(e => e.Id == endpointId);
        var result = await grains.GetGrain<IApiGrain>(apiId).UpdateEndpointAsync(
            endpointId, new NewEndpoint(body.Value.Method, body.Value.Path, body.Value.Category, body.Value.Model, body.Value.Operation, settings));
        context.Audit()
            .Changed("endpoint", old is null ? null : $"{old.Method} {old.Path} ({old.Operation.Name()})", $"{body.Value.Method} {body.Value.Path} ({body.Value.Operation})")
            .Changed("settings", old?.SettingsJson, settings ?? "{}").Says(Refusal(result));
        await RefreshOnSuccessAsync(result, apiId, cache);
        return AdminHttp.Map(result, e => TypedResults.Ok(EndpointView.From(e)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveEndpointAsync(string apiId, long endpointId, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache)
    {
        var old = (await grains.GetGrain<IApiGrain>(apiId).GetSnapshotAsync())?.Endpoints.FirstOrDefault(e => e.Id == endpointId);
        context.Audit().Says(old is null ? "no such endpoint" : $"removing {old.Method} {old.Path} ({old.Operation.Name()})");

        var result = await grains.GetGrain<IApiGrain>(apiId).RemoveEndpointAsync(endpointId);
        await RefreshOnSuccessAsync(result, apiId, cache);
        return AdminHttp.Map(result, _ => TypedResults.NoContent());
    }

    private static async Task<Results<Ok<StaticTokenListView>, ProblemHttpResult>> ListStaticTokensAsync(string apiId, IGrainFactory grains)
    {
        var result = await grains.GetGrain<IApiGrain>(apiId).ListStaticTokensAsync();
        return AdminHttp.Map(result, list => TypedResults.Ok(new StaticTokenListView(list.Select(t => StaticTokenView.From(t)).ToList())));
    }

    private static async Task<Results<Created<StaticTokenView>, ProblemHttpResult>> IssueStaticTokenAsync(string apiId, AdminBody<StaticTokenRequest> body, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache, ApiSecurityMetrics metrics)
    {
        var result = await grains.GetGrain<IApiGrain>(apiId).IssueStaticTokenAsync(body.Value.Memo, body.Value.ExpiresAt, body.Value.MemberId);

        // The token's id, memo and expiry only: its value is the secret and goes to the caller alone.
        context.Audit().On("token_id", result.Value?.Info.Id)
            .Says($"static token memo: {body.Value.Memo}, expires_at: {Text(body.Value.ExpiresAt)}, member_id: {Text(body.Value.MemberId)}").Says(Refusal(result));
        await RefreshOnSuccessAsync(result, apiId, cache);
        if (result.Outcome == AdminOutcome.Ok)
        {
            metrics.Issued("static");
        }

        return AdminHttp.Map(result, t => TypedResults.Created($"/admin/apis/{apiId}/static-tokens/{t.Info.Id}", StaticTokenView.From(t.Info, t.Value)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeStaticTokenAsync(string apiId, string tokenId, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache, ApiSecurityMetrics metrics)
    {
        var result = await grains.GetGrain<IApiGrain>(apiId).RevokeStaticTokenAsync(tokenId);
        context.Audit().Says(result.Outcome == AdminOutcome.Ok ? "static token revoked" : Refusal(result));
        await RefreshOnSuccessAsync(result, apiId, cache);
        if (result.Outcome == AdminOutcome.Ok)
        {
            metrics.Revoked("static");
        }

        return AdminHttp.Map(result, _ => TypedResults.NoContent());
    }

    private static async Task<Ok<MemberListView>> ListMembersAsync(IGrainFactory grains, int? offset, int? limit)
    {
        var ids = await grains.GetGrain<IMemberDirectoryGrain>(0).ListAsync(offset ?? 0, limit ?? 100);
        var profiles = await Task.WhenAll(ids.Select(id => grains.GetGrain<IMemberGrain>(id).GetProfileAsync()));
        return TypedResults.Ok(new MemberListView(profiles.OfType<MemberProfile>().Select(MemberView.From).ToList()));
    }

    private static async Task<Results<Created<MemberView>, ProblemHttpResult>> RegisterMemberAsync(AdminBody<MemberRequest> body, HttpContext context, IGrainFactory grains)
    {
        var member = new NewMember(body.Value.Email, body.Value.Password, body.Value.Name1, body.Value.Name2, body.Value.Nickname, body.Value.Groups);

        // Never the password: only who was registered, in which groups.
        context.Audit().On("member_email", body.Value.Email).Says($"register member, groups: {List(body.Value.Groups)}");
        var errors = MemberValidation.Validate(member);
        if (errors.Count > 0)
        {
            return AdminHttp.Failure(AdminResult<MemberProfile>.Fail(AdminOutcome.Invalid, errors));
        }

        var result = await grains.GetGrain<IEmailIndexGrain>(MemberValidation.NormalizeEmail(member.Email)!).RegisterAsync(member);
        context.Audit().On("member_id", result.Value?.MemberId.ToString(CultureInfo.InvariantCulture)).Says(Refusal(result));
        return AdminHttp.Map(result, p => TypedResults.Created($"/admin/members/{p.MemberId}", MemberView.From(p)));
    }

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> GetMemberAsync(long memberId, IGrainFactory grains)
    {
        var profile = await grains.GetGrain<IMemberGrain>(memberId).GetProfileAsync();
        return profile is null ? AdminHttp.NotFound("Member") : TypedResults.Ok(MemberView.From(profile));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMemberAsync(long memberId, HttpContext context, IGrainFactory grains, ApiSnapshotCache cache, SessionValidationCache sessions, ApiSecurityMetrics metrics)
    {
        await NoteMemberAsync(context, memberId, grains, "deleted member and ended all its logins");
        if (!await grains.GetGrain<IMemberGrain>(memberId).DeleteAsync())
        {
            return AdminHttp.NotFound("Member");
        }

        sessions.Forget(memberId);
        metrics.Revoked("member");
        await cache.PollAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> UnlockMemberAsync(long memberId, HttpContext context, IGrainFactory grains)
    {
        await NoteMemberAsync(context, memberId, grains, "unlocked");
        if (!await grains.GetGrain<IMemberGrain>(memberId).UnlockAsync())
        {
            return AdminHttp.NotFound("Member");
        }

        var profile = await grains.GetGrain<IMemberGrain>(memberId).GetProfileAsync();
        return TypedResults.Ok(MemberView.From(profile!));
    }

    private static async Task<Results<Ok<ExpiringStaticTokenListView>, ProblemHttpResult>> ListExpiringStaticTokensAsync(IGrainFactory grains, TimeProvider time, int? days)
    {
        if (days is < 1 or > 365)
        {
            return AdminHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request", "days must be between 1 and 365.",
                [new AdminError(AdminErrorCodes.Invalid, "days must be between 1 and 365", AdminFields.Days)]);
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var horizon = now + ((days ?? 7) * 86_400L);
        var ids = await ApiIdsAsync(grains);
        var lists = await Task.WhenAll(ids.Select(async id => (ApiId: id, Result: await grains.GetGrain<IApiGrain>(id).ListStaticTokensAsync())));
        var expiring = lists
            .Where(l => l.Result.Outcome == AdminOutcome.Ok)
            .SelectMany(l => l.Result.Value!.Where(t => t.ExpiresAt > now && t.ExpiresAt <= horizon).Select(t => ExpiringStaticTokenView.From(l.ApiId, t)))
            .OrderBy(t => t.ExpiresAt)
            .ToList();
        return TypedResults.Ok(new ExpiringStaticTokenListView(expiring));
    }

    private static async Task<Results<Ok<LoginHistoryView>, ProblemHttpResult>> ListLoginHistoryAsync(long memberId, IGrainFactory grains)
    {
        var history = await grains.GetGrain<IMemberGrain>(memberId).GetLoginHistoryAsync();
        return history is null
            ? AdminHttp.NotFound("Member")
            : TypedResults.Ok(new LoginHistoryView(history.Select(LoginAttemptView.From).ToList()));
    }

    private static async Task<Results<Ok<SessionListView>, ProblemHttpResult>> ListSessionsAsync(long memberId, IGrainFactory grains)
    {
        if (!await grains.GetGrain<IMemberGrain>(memberId).ExistsAsync())
        {
            return AdminHttp.NotFound("Member");
        }

        var sessions = await grains.GetGrain<IMemberSessionGrain>(memberId).ListAsync();
        return TypedResults.Ok(new SessionListView(sessions.Select(SessionView.From).ToList()));
    }

    private static async Task<Results<Ok<RevokedView>, ProblemHttpResult>> RevokeSessionsAsync(long memberId, HttpContext context, IGrainFactory grains, SessionValidationCache cache, ApiSecurityMetrics metrics)
    {
        await NoteMemberAsync(context, memberId, grains, "ended every login");
        if (!await grains.GetGrain<IMemberGrain>(memberId).ExistsAsync())
        {
            return AdminHttp.NotFound("Member");
        }

        var revoked = await grains.GetGrain<IMemberSessionGrain>(memberId).RevokeAllAsync();
        cache.Forget(memberId);
        metrics.Revoked("session", revoked);
        return TypedResults.Ok(new RevokedView(revoked));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessionAsync(long memberId, string sessionId, HttpContext context, IGrainFactory grains, SessionValidationCache cache, ApiSecurityMetrics metrics)
    {
        await NoteMemberAsync(context, memberId, grains, "ended one login");
        if (!await grains.GetGrain<IMemberSessionGrain>(memberId).RevokeAsync(sessionId))
        {
            return AdminHttp.NotFound("Session");
        }

        cache.Forget(memberId);
        metrics.Revoked("session");

        return TypedResults.NoContent();
    }

    /// <summary>Names the member (id and email as they are before the change) in the audit entry.</summary>
    private static async Task NoteMemberAsync(HttpContext context, long memberId, IGrainFactory grains, string what)
    {
        var profile = await grains.GetGrain<IMemberGrain>(memberId).GetProfileAsync();
        context.Audit().On("member_email", profile?.Email).Says(profile is null ? "no such member" : what);
    }

    private static string? Text<T>(T? value)
        where T : struct => value is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture)?.ToLowerInvariant() : null;

    private static string? List(IEnumerable<string>? values) => values is null ? null : "[" + string.Join(", ", values) + "]";

    private static string Refusal<T>(AdminResult<T> result) =>
        result.Outcome == AdminOutcome.Ok ? "ok" : "refused: " + string.Join(" ", result.Errors.Select(e => e.Message));

    private static async Task RefreshOnSuccessAsync<T>(AdminResult<T> result, string apiId, ApiSnapshotCache cache)
    {
        if (result.Outcome == AdminOutcome.Ok)
        {
            await cache.RefreshAsync(apiId);
        }
    }

    // What a call with a malformed id answers (see AdminRoutes.MapWithIds): the same as for an id that does not exist,
    // except that PUT /apis/{apiId} would create the API, so a malformed id there is a bad request.
    private static ProblemHttpResult NoApi(HttpContext context) => AdminHttp.NotFound("API");

    private static ProblemHttpResult NoEndpoint(HttpContext context) => AdminHttp.NotFound("Endpoint");

    private static ProblemHttpResult NoSession(HttpContext context) => AdminHttp.NotFound("Session");

    internal static ProblemHttpResult NoMember(HttpContext context)
    {
        context.Audit().Says("no such member");
        return AdminHttp.NotFound("Member");
    }

    private static ProblemHttpResult InvalidApiId() => AdminHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request",
        $"apiId must be {ApiIds.Rule}.", [new AdminError(AdminErrorCodes.Invalid, $"apiId must be {ApiIds.Rule}", AdminFields.ApiId)]);
}
