using System.Globalization;
using ApiSecurity.Grains.Audit;
using ApiSecurity.Hosting.Admin;

namespace ApiSecurity.WebFront.Admin;

/// <summary>
/// What a handler adds to the audit entry of its call: targets by id and name as they were, and a
/// before/after summary. Never put a secret here (token values, passwords, hashes).
/// </summary>
public sealed class AdminAuditNote
{
    private readonly List<string> _summary = [];

    /// <summary>Targets (e.g. <c>api_id</c>, <c>api_name</c>, <c>member_email</c>).</summary>
    public Dictionary<string, string> Target { get; } = new(StringComparer.Ordinal);

    /// <summary>Names a target.</summary>
    public AdminAuditNote On(string key, string? value)
    {
        if (value is not null)
        {
            Target[key] = Bound(value, 200);
        }

        return this;
    }

    /// <summary>Adds a line to the summary.</summary>
    public AdminAuditNote Says(string line)
    {
        _summary.Add(line);
        return this;
    }

    /// <summary>Adds a <c>field: before → after</c> line when the value changed.</summary>
    public AdminAuditNote Changed(string field, string? before, string? after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            _summary.Add($"{field}: {before ?? "(none)"} → {after ?? "(none)"}");
        }

        return this;
    }

    /// <summary>The summary text.</summary>
    public string Summary => Bound(string.Join("; ", _summary), 4000);

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters.</summary>
    public static string Bound(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
}

/// <summary>Access to the current call's <see cref="AdminAuditNote"/>.</summary>
public static class AdminAuditNoteExtensions
{
    /// <summary>The note of this call (a throw-away one when the call is not audited, e.g. a GET).</summary>
    public static AdminAuditNote Audit(this HttpContext context) => context.Features.Get<AdminAuditNote>() ?? new AdminAuditNote();
}

/// <summary>
/// Records every changing admin call — applied or refused (401, 403, 4xx) — in the audit trail. The entry is
/// written when the response starts (<see cref="HttpResponse.OnStarting(Func{Task})"/>), so the client never
/// sees an acknowledgement of a change whose entry is not yet in cluster storage.
/// </summary>
public static partial class AdminAuditMiddleware
{
    /// <summary>Route values copied into every entry's target.</summary>
    private static readonly string[] RouteTargets = ["apiId", "endpointId", "tokenId", "memberId", "sessionId", "adminId"];

    /// <summary>Adds the audit step; put it before the request guard so its refusals are recorded too.</summary>
    public static IApplicationBuilder UseAdminAudit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!IsAudited(context.Request))
        {
            await next(context);
            return;
        }

        var note = new AdminAuditNote();
        context.Features.Set(note);
        context.Response.OnStarting(() => RecordAsync(context, note));
        await next(context);
    });

    /// <summary>Every non-read call under <c>/admin</c>; the console's sign-in is <c>POST /admin/session</c>.</summary>
    private static bool IsAudited(HttpRequest request) =>
        request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase)
        && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);

    private static async Task RecordAsync(HttpContext context, AdminAuditNote note)
    {
        var services = context.RequestServices;
        var user = context.User;
        var authenticated = user.FindFirst(AdminPermissions.NameClaim) is not null;
        var action = context.GetEndpoint() is RouteEndpoint { RoutePattern: var pattern }
            ? $"{context.Request.Method} {AdminRoutes.Display(pattern)}"
            : $"{context.Request.Method} {AdminAuditNote.Bound(context.Request.Path.Value ?? "/", 200)}";

        var target = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in RouteTargets)
        {
            if (context.Request.RouteValues.TryGetValue(key, out var value) && value is not null)
            {
                target[ToSnake(key)] = AdminAuditNote.Bound(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, 200);
            }
        }

        foreach (var (key, value) in note.Target)
        {
            target[key] = value;
        }

        var status = context.Response.StatusCode;
        var summary = note.Summary;
        if (summary.Length == 0 && status >= 400)
        {
            summary = status switch
            {
                StatusCodes.Status401Unauthorized => "refused: no valid admin credential",
                StatusCodes.Status403Forbidden when authenticated => $"refused: the role lacks {AdminPermissionHandler.RequiredPermission(context)}",
                StatusCodes.Status403Forbidden => "refused: cross-site request",
                _ => "refused",
            };
        }

        var draft = new AuditDraft(
            services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds(),
            authenticated ? user.FindFirst(AdminPermissions.NameClaim)!.Value : "(unauthenticated)",
            user.FindFirst(AdminPermissions.CredentialClaim)?.Value,
            context.Connection.RemoteIpAddress?.ToString(),
            action,
            target,
            status,
            summary);

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ApiSecurity.Audit");
        var entry = await services.GetRequiredService<IGrainFactory>().GetGrain<IAuditLogGrain>(0).AppendAsync(draft);
        LogEntry(logger, entry.Seq, entry.Admin, entry.CredentialId, entry.ClientIp, entry.Action,
            string.Join(", ", entry.Target.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            entry.Outcome, entry.Summary, entry.Hash);
    }

    private static string ToSnake(string key) => key switch
    {
        "apiId" => "api_id",
        "endpointId" => "endpoint_id",
        "tokenId" => "token_id",
        "memberId" => "member_id",
        "sessionId" => "session_id",
        "adminId" => "admin_id",
        _ => key,
    };

    [LoggerMessage(EventId = 9000, EventName = "AdminAudit", Level = LogLevel.Information,
        Message = "Admin audit {Seq}: {Admin} ({CredentialId}) from {ClientIp} {Action} [{Target}] → {Outcome}: {Summary} #{Hash}")]
    private static partial void LogEntry(ILogger logger, long seq, string admin, string? credentialId, string? clientIp, string action, string target, int outcome, string summary, string hash);
}
