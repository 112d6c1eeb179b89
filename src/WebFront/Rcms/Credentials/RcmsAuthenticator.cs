using System.Collections.Concurrent;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.WebFront.Infrastructure;

namespace ApiSecurity.WebFront.Rcms.Credentials;

/// <summary>Who made an authenticated <c>/rcms-api</c> request.</summary>
/// <param name="MemberId">The member, when known (dynamic, cookie, or a static token bound to a member).</param>
/// <param name="LoginId">The login (session) of a dynamic or cookie credential.</param>
/// <param name="StaticTokenId">The static token used.</param>
public sealed record RcmsCaller(long? MemberId, string? LoginId, string? StaticTokenId);

/// <summary>The outcome of checking a request's credential: none presented, valid (with the caller), or invalid (with the reason).</summary>
public readonly record struct RcmsAuthentication(RcmsCaller? Caller, string? Failure)
{
    /// <summary>No credential was presented.</summary>
    public static RcmsAuthentication None => default;

    /// <summary>True when a valid credential was presented.</summary>
    public bool Succeeded => Caller is not null;

    public static RcmsAuthentication Fail(string reason) => new(null, reason);

    public static RcmsAuthentication Success(RcmsCaller caller) => new(caller, null);
}

/// <summary>
/// Checks a <c>/rcms-api</c> request's credential according to its API's mode (docs/modes.md): a static
/// token against the cached snapshot (no grain call), a dynamic access token or a cookie session
/// against the member's session grain (one read-only call, or none while this front remembers the
/// answer: <see cref="SessionValidationCache"/>, keyed by the token's text). A token not remembered has
/// its MAC checked (<see cref="TokenMac"/>) before anything else: a token this cluster did not issue is
/// refused here, with no grain call and nothing remembered about it. A singleton called straight from
/// the pipeline: going through ASP.NET Core's <c>IAuthenticationService</c> created a DI scope and a
/// handler per request, which cost about 10 % of throughput in <c>bench/</c>.
/// </summary>
public sealed class RcmsAuthenticator(
    SessionGrains sessions, TokenKeyRing keys, SessionValidationCache cache, ApiSecurityMetrics metrics, TimeProvider time,
    ILogger<RcmsAuthenticator> logger)
{
    // Grain calls under way, by token text: at most one per session being checked right now (forged texts never get here).
    private readonly ConcurrentDictionary<SessionValidationCache.Key, Asking> _asking = new();

    /// <summary>The header carrying static and dynamic tokens (matched case-insensitively).</summary>
    public const string TokenHeader = "X-RCMS-API-ACCESS-TOKEN";

    /// <summary>Checks the credential the API's mode expects.</summary>
    public ValueTask<RcmsAuthentication> AuthenticateAsync(HttpContext context, CompiledApi api) => api.Mode switch
    {
        SecurityMode.StaticToken => ValueTask.FromResult(AuthenticateStatic(context, api)),
        SecurityMode.DynamicToken => AuthenticateDynamicAsync(context, api),
        SecurityMode.Cookie => AuthenticateCookieAsync(context, api),
        _ => ValueTask.FromResult(RcmsAuthentication.None),
    };

    private static string? ReadHeaderToken(HttpContext context)
    {
        var values = context.Request.Headers[TokenHeader];
        return values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0]!.Trim();
    }

    private RcmsAuthentication AuthenticateStatic(HttpContext context, CompiledApi api)
    {
        var value = ReadHeaderToken(context);
        if (value is null)
        {
            return RcmsAuthentication.None;
        }

        if (value.Length > SessionToken.MaxLength || api.FindStaticToken(value) is not { } token
            || token.Record.ExpiresAt <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return RcmsAuthentication.Fail("Invalid access token");
        }

        return RcmsAuthentication.Success(token.Caller);
    }

    // Not async: a token remembered here (nearly every request of a busy session) is answered without a state machine.
    private ValueTask<RcmsAuthentication> AuthenticateDynamicAsync(HttpContext context, CompiledApi api)
    {
        var value = ReadHeaderToken(context);
        if (value is null)
        {
            return ValueTask.FromResult(RcmsAuthentication.None);
        }

        var validation = ValidateAsync(value.AsMemory(), TokenKind.Access, api.Scope);
        return validation.IsCompletedSuccessfully
            ? ValueTask.FromResult(DynamicOutcome(validation.Result))
            : AwaitDynamicAsync(validation);

        static async ValueTask<RcmsAuthentication> AwaitDynamicAsync(ValueTask<RcmsCaller?> validation) =>
            DynamicOutcome(await validation);
    }

    private static RcmsAuthentication DynamicOutcome(RcmsCaller? caller) =>
        caller is null ? RcmsAuthentication.Fail("Invalid access token") : RcmsAuthentication.Success(caller);

    // Not async: a session remembered here (nearly every request of a busy session) is answered without a state machine.
    private ValueTask<RcmsAuthentication> AuthenticateCookieAsync(HttpContext context, CompiledApi api)
    {
        var session = SessionCookies.FindAccess(context.Request);
        var validation = session.IsEmpty ? default : ValidateAsync(session, TokenKind.CookieSession, null);
        if (validation.IsCompletedSuccessfully)
        {
            if (validation.Result is { } caller)
            {
                return ValueTask.FromResult(RcmsAuthentication.Success(caller));
            }

            validation = default; // refused (or no session cookie): read once, the rest goes on without it
        }

        return AuthenticateCookieAsync(context, api, session, validation);
    }

    // The session cookie's validation still under way, or refused (default): else the auto-login cookie may restore a session.
    private async ValueTask<RcmsAuthentication> AuthenticateCookieAsync(
        HttpContext context, CompiledApi api, ReadOnlyMemory<char> session, ValueTask<RcmsCaller?> validation)
    {
        if (await validation is { } caller)
        {
            return RcmsAuthentication.Success(caller);
        }

        var autoLogin = SessionCookies.ReadRefresh(context.Request);
        if (session.IsEmpty && autoLogin is null)
        {
            return RcmsAuthentication.None;
        }

        var mac = await keys.GetAsync();
        if (autoLogin is not null && mac.TryRead(autoLogin, out var saved))
        {
            var restored = await StateConflict.RetryOnceAsync(() => sessions.For(saved.MemberId).RestoreCookieSessionAsync(saved.Secret, api.CookiePolicy));
            // A restore replaced the login's session (or, for a replayed auto-login token, ended the login).
            cache.Forget(saved.MemberId);
            if (restored is not null)
            {
                metrics.Issued("cookie_session");
                metrics.Issued("cookie_auto_login");
                SessionCookies.Issue(context, restored, api.LoginSettings);
                return Member(saved.MemberId, restored.LoginId);
            }
        }

        return RcmsAuthentication.Fail("Invalid or expired session");
    }

    /// <summary>
    /// The caller of a valid access token or cookie session, else null: from this front's short cache when the
    /// same text was validated here moments ago, else after its MAC check (a token this cluster did not issue
    /// stops there) from the member's session grain.
    /// </summary>
    private ValueTask<RcmsCaller?> ValidateAsync(ReadOnlyMemory<char> presented, TokenKind kind, string? scope)
    {
        var mode = kind == TokenKind.Access ? "dynamic_token" : "cookie";
        if (presented.Length > SessionToken.MaxLength)
        {
            return ValueTask.FromResult<RcmsCaller?>(null); // longer than any token
        }

        // Looked up as presented (a cookie is a slice of the Cookie header): copied to a string only when not remembered.
        if (cache.Recall(presented.Span, kind, scope, out var key, out var refresh) is { } remembered)
        {
            metrics.ValidatedFromCache(mode);
            if (refresh)
            {
                // Not the request's context: the check outlives the request and belongs to no log scope or trace of it.
                using (ExecutionContext.SuppressFlow())
                {
                    _ = RefreshAsync(key, mode);
                }
            }

            return ValueTask.FromResult<RcmsCaller?>(remembered);
        }

        key = new SessionValidationCache.Key(presented.ToString(), kind, scope);
        return new ValueTask<RcmsCaller?>(AskGrainAsync(key, mode));
    }

    /// <summary>
    /// Has the session grain confirm a remembered validation shortly before it ends, while requests go on with
    /// the remembered answer: a session still valid is remembered for another duration, one that ended is
    /// forgotten at once. A failure leaves the entry to end on its own; the next request then asks the grain itself.
    /// </summary>
    private async Task RefreshAsync(SessionValidationCache.Key key, string mode)
    {
        try
        {
            if (await AskGrainAsync(key, mode) is null)
            {
                cache.Drop(key);
            }
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "A session check made ahead of time failed; the next request after the remembered answer ends asks again");
        }
    }

    /// <summary>
    /// The MAC check (a token this cluster did not issue stops there), then the session grain; a positive answer is
    /// remembered (<see cref="SessionValidationCache.Remember"/>) and its caller returned, else null. Requests of one
    /// session that find nothing remembered at the same moment (a page's first parallel requests, or all of them
    /// when a renewal came too late) share one grain call, unless a logout or revocation through this front came
    /// between: a request never joins a call started before the member's sessions were forgotten here.
    /// </summary>
    private async Task<RcmsCaller?> AskGrainAsync(SessionValidationCache.Key key, string mode)
    {
        var mac = await keys.GetAsync();
        if (!mac.TryRead(key.Presented, out var token))
        {
            return null;
        }

        // Read before asking: a revocation here while the grain answers, and the time the answer may be trusted from.
        var epoch = cache.EpochOf(token.MemberId);
        var answer = new TaskCompletionSource<RcmsCaller?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var asking = new Asking(epoch, answer.Task);
        var running = _asking.GetOrAdd(key, asking);
        if (!ReferenceEquals(running, asking))
        {
            return running.Epoch == epoch ? await running.Answer : await CheckAsync(token, key, mode, epoch);
        }

        try
        {
            var caller = await CheckAsync(token, key, mode, epoch);
            answer.SetResult(caller);
            return caller;
        }
        catch (Exception exception)
        {
            answer.SetException(exception);
            _ = answer.Task.Exception; // observed here; requests that joined get it too
            throw;
        }
        finally
        {
            _asking.TryRemove(KeyValuePair.Create(key, asking));
        }
    }

    private async Task<RcmsCaller?> CheckAsync(SessionToken token, SessionValidationCache.Key key, string mode, int epoch)
    {
        var askedAt = time.GetTimestamp();
        var check = await Check(token, key.Kind, key.Scope);
        metrics.ValidatedByGrain(mode, time.GetElapsedTime(askedAt));
        return check is null ? null : cache.Remember(key, token.MemberId, check, epoch, askedAt);
    }

    // A grain call under way for a token text, and the member's epoch when it started.
    private sealed record Asking(int Epoch, Task<RcmsCaller?> Answer);

    private Task<SessionCheck?> Check(SessionToken token, TokenKind kind, string? scope) => kind == TokenKind.Access
        ? sessions.For(token.MemberId).ValidateAccessAsync(scope!, token.Secret)
        : sessions.For(token.MemberId).ValidateCookieAsync(token.Secret);

    /// <summary>
    /// Runs the credential path once: loads the token keys, makes and checks one MAC (on a token nobody is
    /// given), and asks the session grain of member 0 (member ids start at 1) about an access token and a
    /// cookie session, which activates it and reads its empty state. Called once at start-up
    /// (<see cref="CredentialWarmUp"/>) so that the first token after a start does not pay for that set-up and
    /// its JIT compilation. Remembers nothing, records none of the product's metrics and writes no session
    /// state; on a new store the cluster's first token key is created here rather than at the first login.
    /// </summary>
    public async Task WarmUpAsync()
    {
        var mac = await keys.GetAsync();
        var text = mac.Create(1).ToString();
        if (SessionValidationCache.KeyOf(text, TokenKind.Access, WarmUpScope) is { } key)
        {
            _ = cache.Recall(key);
        }

        if (mac.TryRead(text, out var token))
        {
            var nobody = token with { MemberId = 0 };
            await Check(nobody, TokenKind.Access, WarmUpScope);
            await Check(nobody, TokenKind.CookieSession, null);
        }
    }

    /// <summary>The scope of the warm-up's access token: not an API id (those never contain a space).</summary>
    private const string WarmUpScope = "warm up";

    private static RcmsAuthentication Member(long memberId, string loginId) =>
        RcmsAuthentication.Success(new RcmsCaller(memberId, loginId, null));
}
