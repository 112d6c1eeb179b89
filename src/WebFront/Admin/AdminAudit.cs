using System.Globalization;
using System.Threading.RateLimiting;
using ApiSecurity.Grains.Audit;
using ApiSecurity.Hosting.Admin;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Pipeline;

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

    /// <summary>Entries for refusals without a valid credential that one client (IPv4 address or IPv6 /64) may cause per minute.</summary>
    public const int AnonymousEntriesPerClientPerMinute = 30;

    /// <summary>Entries for refusals without a valid credential that all clients together may cause per minute.</summary>
    public const int AnonymousEntriesPerMinute = 300;

    /// <summary>Adds the audit step; put it before the request guard so its refusals are recorded too.</summary>
    public static IApplicationBuilder UseAdminAudit(this IApplicationBuilder app)
    {
        // Anyone can send a refused call, so those without a valid credential are recorded within a budget
        // (per client and overall) rather than letting an anonymous flood grow the trail without bound.
        var anonymous = new AnonymousBudget();
        return app.Use(async (context, next) =>
        {
            if (!IsAudited(context.Request))
            {
                await next(context);
                return;
            }

            var note = new AdminAuditNote();
            context.Features.Set(note);
            context.Response.OnStarting(() => RecordAsync(context, note, anonymous));
            await next(context);
        });
    }

    /// <summary>Every non-read call under <c>/admin</c>; the console's sign-in is <c>POST /admin/session</c>.</summary>
    private static bool IsAudited(HttpRequest request) =>
        request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase)
        && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);

    private static async Task RecordAsync(HttpContext context, AdminAuditNote note, AnonymousBudget anonymous)
    {
        var services = context.RequestServices;
        var user = context.User;
        var authenticated = user.FindFirst(AdminPermissions.NameClaim) is not null;
        if (!authenticated && !anonymous.TryTake(context.Connection.RemoteIpAddress))
        {
            var skipped = anonymous.Skipped();
            if (skipped % 1000 == 1)
            {
                LogSkipped(services.GetRequiredService<ILoggerFactory>().CreateLogger("ApiSecurity.Audit"), skipped, AnonymousEntriesPerClientPerMinute, AnonymousEntriesPerMinute);
            }

            return;
        }

        // A request that matches no route is named by its method alone: its raw path is the client's text
        // (control characters, fake log lines) and is kept only, made printable, as a target.
        var method = AdminAuditNote.Bound(context.Request.Method, 16);
        var target = new Dictionary<string, string>(StringComparer.Ordinal);
        string action;
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern: var pattern })
        {
            action = $"{method} {AdminRoutes.Display(pattern)}";
        }
        else
        {
            action = $"{method} (no route)";
            target["path"] = AdminAuditNote.Bound(Printable(context.Request.Path.Value ?? "/"), 200);
        }

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
        using (RequestLogScope.Begin(logger, context))
        {
            LogEntry(logger, entry.Seq, entry.Admin, entry.CredentialId, entry.ClientIp, entry.Action,
                string.Join(", ", entry.Target.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
                entry.Outcome, entry.Summary, entry.Hash);
        }
    }

    /// <summary><paramref name="text"/> with every control character replaced by <c>?</c>.</summary>
    private static string Printable(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsControl(source[i]) ? '?' : source[i];
        }
    });

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

    [LoggerMessage(EventId = 9001, EventName = "AdminAuditSkipped", Level = LogLevel.Warning,
        Message = "{Skipped} refused admin calls without a valid credential were not recorded in the audit trail: over the budget of {PerClient} per client and {Overall} in all per minute")]
    private static partial void LogSkipped(ILogger logger, long skipped, int perClient, int overall);

    /// <summary>How many refusals without a valid credential may still be recorded: per client (IPv6 by /64) and overall, per minute.</summary>
    private sealed class AnonymousBudget
    {
        private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => Window(AnonymousEntriesPerClientPerMinute))),
            PartitionedRateLimiter.Create<string, string>(_ => RateLimitPartition.GetFixedWindowLimiter(string.Empty, _ => Window(AnonymousEntriesPerMinute))));

        private long _skipped;

        public bool TryTake(System.Net.IPAddress? client)
        {
            using var lease = _limiter.AttemptAcquire(RateLimitStep.ClientKey(client));
            return lease.IsAcquired;
        }

        public long Skipped() => Interlocked.Increment(ref _skipped);

        private static FixedWindowRateLimiterOptions Window(int permits) =>
            new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };
    }

    [LoggerMessage(EventId = 9000, EventName = "AdminAudit", Level = LogLevel.Information,
        Message = "Admin audit {Seq}: {Admin} ({CredentialId}) from {ClientIp} {Action} [{Target}] → {Outcome}: {Summary} #{Hash}")]
    private static partial void LogEntry(ILogger logger, long seq, string admin, string? credentialId, string? clientIp, string action, string target, int outcome, string summary, string hash);
}
