using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary>
/// <c>Authentication / Login / login_challenge</c>: checks email and password;
/// cookie mode starts a cookie session, the other modes return a one-time grant token. Unknown
/// email, wrong password and lockout all get the same 401.
/// </summary>
public sealed partial class LoginChallengeOperation(IGrainFactory grains, ApiSecurityMetrics metrics, ILogger<LoginChallengeOperation> logger) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.LoginChallenge;

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller)
    {
        var (status, document) = await RcmsRequestBody.ReadObjectAsync(context.Request);
        if (document is null)
        {
            await RcmsRequestBody.WriteFailureAsync(context, status);
            return;
        }

        string? email, password;
        bool loginSave;
        var errors = new List<FieldError>();
        using (document)
        {
            var root = document.RootElement;
            RcmsRequestBody.TryGetString(root, "email", errors, out email);
            RcmsRequestBody.TryGetString(root, "password", errors, out password);
            loginSave = RcmsRequestBody.GetFlag(root, "login_save", errors);
        }

        if (string.IsNullOrWhiteSpace(email) && !errors.Any(e => e.Field == "email"))
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Required, "email", "email is required"));
        }

        if (string.IsNullOrEmpty(password) && !errors.Any(e => e.Field == "password"))
        {
            errors.Add(new FieldError(RcmsResponse.Codes.Required, "password", "password is required"));
        }

        if (errors.Count > 0)
        {
            await RcmsResponse.ValidationAsync(context, errors);
            return;
        }

        var clientIp = context.Connection.RemoteIpAddress?.ToString();
        LoginResult result;
        try
        {
            result = await StateConflict.RetryOnceAsync(() => grains.GetGrain<ILoginGrain>(0).LoginAsync(email!, password!, clientIp, request.Api.Scope, loginSave));
        }
        catch (PasswordHashingBusyException)
        {
            // Password hashing is bounded so that a flood of logins slows logins only; past the
            // bound the server is out of capacity (not this client over a quota), hence 503 and
            // Retry-After (RFC 9110 §15.6.4) rather than 429.
            LogHashingBusy(logger, request.Api.ApiId);
            metrics.Login("unavailable");
            context.Response.Headers.RetryAfter = "1";
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, RcmsResponse.Codes.Unavailable, "Too many logins in progress; retry shortly");
            return;
        }

        if (result.Status == LoginStatus.MfaRequired)
        {
            // The password was right, but the member has a second factor: nothing is issued until
            // login_challenge_mfa gets a code with this token.
            metrics.Login("mfa_required");
            await RcmsResponse.OkAsync(context, writer =>
            {
                writer.WriteNumber("status", 2);
                writer.WriteString("mfa_access_token", result.MfaToken);
            });
            return;
        }

        if (result.Status != LoginStatus.Ok)
        {
            using (RequestLogScope.Begin(logger, context))
            {
                LogLoginRefused(logger, request.Api.ApiId, result.Status);
            }
            metrics.Login(result.Status == LoginStatus.LockedOut ? "locked_out" : "invalid_credentials");
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, "Invalid email or password");
            return;
        }

        metrics.Login("ok");
        await IssueAsync(grains, metrics, context, request, result.MemberId, loginSave, clientIp);
    }

    /// <summary>Finishes a successful login: a cookie session in cookie mode, a one-time grant token otherwise.</summary>
    public static async Task IssueAsync(IGrainFactory grains, ApiSecurityMetrics metrics, HttpContext context, RcmsRequestFeature request, long memberId, bool loginSave, string? clientIp)
    {
        var sessions = grains.GetGrain<IMemberSessionGrain>(memberId);
        if (request.Api.Mode == SecurityMode.Cookie)
        {
            var issue = await StateConflict.RetryOnceAsync(() => sessions.StartCookieSessionAsync(request.Api.CookiePolicy, loginSave, request.Api.ApiId, clientIp));
            SessionCookies.Issue(context, issue, request.Endpoint.Settings);
            metrics.Issued("cookie_session");
            if (issue.AutoLogin is not null)
            {
                metrics.Issued("cookie_auto_login");
            }

            await RcmsResponse.OkAsync(context, writer =>
            {
                writer.WriteNumber("status", 0);
                writer.WriteNumber("member_id", memberId);
            });
            return;
        }

        var grant = await StateConflict.RetryOnceAsync(() => sessions.IssueGrantAsync(request.Api.Scope, request.Api.ApiId, request.Endpoint.Settings.GrantTokenLifespan, clientIp));
        metrics.Issued("grant");
        await RcmsResponse.OkAsync(context, writer =>
        {
            writer.WriteString("grant_token", grant.Grant.Value);
            writer.WriteNumber("status", 0);
            writer.WriteNumber("member_id", memberId);
            writer.WriteStartObject("info");
            writer.WriteNumber("validUntil", grant.Grant.ExpiresAt);
            writer.WriteEndObject();
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login on API {ApiId} refused with 503: the password hashing queue is full")]
    private static partial void LogHashingBusy(ILogger logger, string apiId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Login refused on API {ApiId}: {Status}")]
    private static partial void LogLoginRefused(ILogger logger, string apiId, LoginStatus status);
}
