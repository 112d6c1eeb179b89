using System.Text.Json;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Sessions;

namespace ApiSecurity.WebFront.Admin;

/// <summary><c>PUT /admin/apis/{apiId}</c>.</summary>
[EmptyBodyAllowed]
public sealed record ApiUpsertRequest(string? Name, bool? Enabled);

/// <summary><c>PUT /admin/apis/{apiId}/security</c>. <c>ip_restriction</c> is an array of entries or one string with one entry per line.</summary>
public sealed record SecurityRequest(string? Mode, JsonElement? IpRestriction);

/// <summary><c>PUT /admin/apis/{apiId}/cors</c>.</summary>
public sealed record CorsRequest(List<string>? AllowOrigins, List<string>? AllowMethods, List<string>? AllowHeaders, int? MaxAge, bool? AllowCredentials);

/// <summary><c>POST /admin/apis/{apiId}/endpoints</c>.</summary>
public sealed record EndpointRequest(string? Method, string? Path, string? Category, string? Model, string? Operation, JsonElement? Settings);

/// <summary><c>POST /admin/apis/{apiId}/static-tokens</c>.</summary>
[EmptyBodyAllowed]
public sealed record StaticTokenRequest(string? Memo, long? ExpiresAt, long? MemberId);

/// <summary><c>POST /admin/members</c>.</summary>
public sealed record MemberRequest(string? Email, string? Password, string? Name1, string? Name2, string? Nickname, List<string>? Groups);

/// <summary>An API as shown by the admin API.</summary>
public sealed record ApiView(string ApiId, string Name, bool Enabled, long Version, long CreatedAt, SecurityView Security, CorsView Cors, IReadOnlyList<EndpointView> Endpoints)
{
    /// <summary>Maps a snapshot.</summary>
    public static ApiView From(ApiSnapshot s) => new(
        s.ApiId, s.Name, s.Enabled, s.Version, s.CreatedAt,
        new SecurityView(s.Mode.ToWire(), s.IpRestriction),
        CorsView.From(s.Cors),
        s.Endpoints.Select(EndpointView.From).ToList());
}

/// <summary>An API in a list.</summary>
public sealed record ApiSummary(string ApiId, string Name, bool Enabled, string Mode, int Endpoints, long Version);

/// <summary>Security settings.</summary>
public sealed record SecurityView(string Mode, IReadOnlyList<string> IpRestriction);

/// <summary>CORS settings.</summary>
public sealed record CorsView(IReadOnlyList<string> AllowOrigins, IReadOnlyList<string> AllowMethods, IReadOnlyList<string> AllowHeaders, int? MaxAge, bool AllowCredentials)
{
    /// <summary>Maps settings.</summary>
    public static CorsView From(CorsSettings c) => new(c.AllowOrigins, c.AllowMethods, c.AllowHeaders, c.MaxAge, c.AllowCredentials);
}

/// <summary>An endpoint.</summary>
public sealed record EndpointView(long EndpointId, string Method, string Path, string Category, string Model, string Operation, JsonElement Settings)
{
    /// <summary>Maps a definition.</summary>
    public static EndpointView From(EndpointDefinition e)
    {
        using var doc = JsonDocument.Parse(e.SettingsJson);
        return new EndpointView(e.Id, e.Method, e.Path, e.Operation.Category(), e.Operation.Model(), e.Operation.Name(), doc.RootElement.Clone());
    }
}

/// <summary>A static token (the value only at creation).</summary>
public sealed record StaticTokenView(string Id, string? Value, string Memo, long ExpiresAt, long? MemberId, long CreatedAt)
{
    /// <summary>Maps a token description.</summary>
    public static StaticTokenView From(StaticTokenInfo t, string? value = null) => new(t.Id, value, t.Memo, t.ExpiresAt, t.MemberId, t.CreatedAt);
}

/// <summary>A member; <c>email_confirmed</c> once the member proved the address, <c>mfa_enrolled</c> with a second factor (TOTP).</summary>
public sealed record MemberView(long MemberId, string Email, string Name1, string Name2, string Nickname, IReadOnlyList<string> Groups, long CreatedAt, bool Locked, long? LockedUntil, bool EmailConfirmed, bool MfaEnrolled)
{
    /// <summary>Maps a profile.</summary>
    public static MemberView From(MemberProfile p) => new(p.MemberId, p.Email, p.Name1, p.Name2, p.Nickname, p.Groups, p.CreatedAt, p.LockedUntil is not null, p.LockedUntil, p.EmailConfirmed, p.MfaEnrolled);
}

/// <summary>A live login of a member.</summary>
public sealed record SessionView(string SessionId, string Kind, string? ApiId, long CreatedAt, long ExpiresAt, long LastSeenAt, string? ClientIp)
{
    /// <summary>Maps a session.</summary>
    public static SessionView From(SessionInfo s) => new(s.SessionId, s.Kind == LoginKind.Cookie ? "cookie" : "dynamic_token", s.ApiId, s.CreatedAt, s.ExpiresAt, s.LastSeenAt, s.ClientIp);
}

/// <summary>A static token with the API it belongs to.</summary>
public sealed record ExpiringStaticTokenView(string ApiId, string Id, string Memo, long ExpiresAt, long? MemberId, long CreatedAt)
{
    /// <summary>Maps a token description.</summary>
    public static ExpiringStaticTokenView From(string apiId, StaticTokenInfo t) => new(apiId, t.Id, t.Memo, t.ExpiresAt, t.MemberId, t.CreatedAt);
}

/// <summary>One login attempt of a member.</summary>
public sealed record LoginAttemptView(long At, string? ClientIp, string Outcome)
{
    /// <summary>Maps an attempt.</summary>
    public static LoginAttemptView From(LoginAttempt a) => new(a.At, a.ClientIp, a.Outcome switch
    {
        LoginStatus.Ok => "ok",
        LoginStatus.LockedOut => "locked_out",
        _ => "invalid_credentials",
    });
}

/// <summary><c>GET /admin/apis</c>.</summary>
public sealed record ApiListView(IReadOnlyList<ApiSummary> Apis);

/// <summary><c>GET /admin/apis/{apiId}/endpoints</c>.</summary>
public sealed record EndpointListView(IReadOnlyList<EndpointView> Endpoints);

/// <summary><c>GET /admin/apis/{apiId}/static-tokens</c>.</summary>
public sealed record StaticTokenListView(IReadOnlyList<StaticTokenView> StaticTokens);

/// <summary><c>GET /admin/static-tokens/expiring</c>.</summary>
public sealed record ExpiringStaticTokenListView(IReadOnlyList<ExpiringStaticTokenView> StaticTokens);

/// <summary><c>GET /admin/members</c>.</summary>
public sealed record MemberListView(IReadOnlyList<MemberView> Members);

/// <summary><c>GET /admin/members/{memberId}/logins</c>.</summary>
public sealed record LoginHistoryView(IReadOnlyList<LoginAttemptView> Logins);

/// <summary><c>GET /admin/members/{memberId}/sessions</c>.</summary>
public sealed record SessionListView(IReadOnlyList<SessionView> Sessions);

/// <summary><c>DELETE /admin/members/{memberId}/sessions</c>: how many logins were ended.</summary>
public sealed record RevokedView(int Revoked);
