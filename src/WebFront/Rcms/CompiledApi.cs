using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Security;
using ApiSecurity.Grains.Sessions;
using Microsoft.AspNetCore.Cors.Infrastructure;

using ApiSecurity.WebFront.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms;

/// <summary>
/// An API snapshot prepared for the request path: parsed IP ranges, an endpoint table, static-token
/// hashes and a CORS policy. Immutable but for what it learns from requests (the request counter and the
/// texts of static tokens already matched); replaced as a whole when the API's version changes.
/// </summary>
public sealed class CompiledApi
{
    // Static-token texts whose SHA-256 matched a token of this snapshot, so the same text on a later request
    // skips the hash (about 0.5 µs of a 20 µs request). Only a text whose hash matched enters, so it holds
    // at most one entry per static token however many wrong ones arrive; it goes with the snapshot, so a
    // revoked token stops working as soon as the new version arrives, as before. Keyed through a struct so the
    // text is hashed with the per-process randomized string hash (a plain string key may get a fixed one).
    // Made on the first match: a front holding 100,000 APIs does not pay for 100,000 empty dictionaries.
    private ConcurrentDictionary<MatchedText, CompiledStaticToken>? _matchedStaticTexts;

    private CompiledApi(ApiSnapshot snapshot)
    {
        Snapshot = snapshot;
        IpAllowList = IpAllowList.Parse(snapshot.IpRestriction, out var ipErrors);
        IpRestrictionErrors = ipErrors;
        var (settings, settingsErrors) = ParsedSettings(snapshot);
        SettingsErrors = settingsErrors;
        var endpoints = snapshot.Endpoints.Select((e, i) => new CompiledEndpoint(e, settings[i], snapshot.Mode)).ToList();
        foreach (var endpoint in endpoints)
        {
            endpoint.Request = new RcmsRequestFeature(this, endpoint);
        }

        LoginSettings = endpoints.FirstOrDefault(e => e.Operation == Operation.LoginChallenge)?.Settings ?? EndpointSettings.Defaults;
        CookiePolicy = new CookiePolicy(LoginSettings.SessionIdleTimeout, LoginSettings.SessionLifetime, LoginSettings.LoginSaveLifetime);
        Endpoints = endpoints
            .GroupBy(e => e.Definition.Path, StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.ToFrozenDictionary(e => e.Definition.Method, StringComparer.Ordinal),
                StringComparer.Ordinal);
        EndpointsByText = Endpoints.GetAlternateLookup<ReadOnlySpan<char>>();
        AllowHeaders = Endpoints.ToFrozenDictionary(p => p.Key, p => string.Join(", ", p.Value.Keys.Order()), StringComparer.Ordinal);
        StaticTokens = snapshot.StaticTokens.ToFrozenDictionary(
            t => Sha256Key.From(t.Hash),
            t => new CompiledStaticToken(t, new RcmsCaller(t.MemberId, null, t.Id)));
        Cors = BuildCorsPolicy(snapshot.Cors);
        // "*" lets any site read answers that carry no credential; it never vouches for a cookie request.
        TrustedOrigins = snapshot.Cors.AllowOrigins.Where(o => o != "*").ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The configuration this was compiled from.</summary>
    public ApiSnapshot Snapshot { get; }

    /// <summary>The API id.</summary>
    public string ApiId => Snapshot.ApiId;

    /// <summary>The snapshot version.</summary>
    public long Version => Snapshot.Version;

    /// <summary>The security mode.</summary>
    public SecurityMode Mode => Snapshot.Mode;

    /// <summary>The API incarnation that dynamic tokens are bound to.</summary>
    public string Scope => Snapshot.Scope;

    /// <summary>The IP allow-list; <see cref="IpAllowList.DenyAll"/> when a stored entry no longer parses.</summary>
    public IpAllowList IpAllowList { get; }

    /// <summary>Stored IP entries that no longer parse (empty normally); any of them closes the API to everyone.</summary>
    public IReadOnlyList<string> IpRestrictionErrors { get; }

    /// <summary>
    /// Endpoint settings that did not pass validation here (empty normally): only a snapshot that did not bring the
    /// settings parsed by the API grain (a silo of an earlier version) is parsed here, and what it refuses is reported.
    /// </summary>
    public IReadOnlyList<string> SettingsErrors { get; }

    /// <summary>path → method → endpoint.</summary>
    public FrozenDictionary<string, FrozenDictionary<string, CompiledEndpoint>> Endpoints { get; }

    /// <summary><see cref="Endpoints"/> read by a slice of the request path.</summary>
    public FrozenDictionary<string, FrozenDictionary<string, CompiledEndpoint>>.AlternateLookup<ReadOnlySpan<char>> EndpointsByText { get; }

    /// <summary>path → value of the <c>Allow</c> header for 405 answers.</summary>
    public FrozenDictionary<string, string> AllowHeaders { get; }

    /// <summary>Static tokens by SHA-256, each with the caller it authenticates (built once, not per request).</summary>
    public FrozenDictionary<Sha256Key, CompiledStaticToken> StaticTokens { get; }

    /// <summary>The CORS policy, or null when no origin is allowed.</summary>
    public CorsPolicy? Cors { get; }

    /// <summary>Exact origins of the CORS list: the other sites whose cookie-mode requests are not cross-site forgeries.</summary>
    public FrozenSet<string> TrustedOrigins { get; }

    /// <summary>Settings of the login_challenge endpoint (cookie attributes and lifetimes).</summary>
    public EndpointSettings LoginSettings { get; }

    /// <summary>Where this API's requests are counted (<see cref="ApiSecurityMetrics"/>); set on its first request.</summary>
    public RequestCounter? RequestCounter { get; set; }

    /// <summary>Cookie session lifetimes.</summary>
    public CookiePolicy CookiePolicy { get; }

    /// <summary>Compiles a snapshot.</summary>
    public static CompiledApi Compile(ApiSnapshot snapshot) => new(snapshot);

    /// <summary>
    /// Finds a static token by value (at most 512 characters): through its SHA-256 the first time this snapshot
    /// sees that text, by the text itself after that; null when unknown.
    /// </summary>
    public CompiledStaticToken? FindStaticToken(string value)
    {
        if (Volatile.Read(ref _matchedStaticTexts) is { } matched && matched.TryGetValue(new MatchedText(value), out var known))
        {
            return known;
        }

        if (!StaticTokens.TryGetValue(Sha256Key.Of(value), out var token))
        {
            return null;
        }

        LazyInitializer.EnsureInitialized(ref _matchedStaticTexts).TryAdd(new MatchedText(value), token);
        return token;
    }

    /// <summary>How many static-token texts this snapshot has matched and remembers (tests).</summary>
    internal int MatchedStaticTextCount => Volatile.Read(ref _matchedStaticTexts)?.Count ?? 0;

    private readonly record struct MatchedText(string Value);

    private static (IReadOnlyList<EndpointSettings> Settings, IReadOnlyList<string> Errors) ParsedSettings(ApiSnapshot snapshot)
    {
        if (snapshot.EndpointSettings is { } parsed && parsed.Count == snapshot.Endpoints.Count)
        {
            return (parsed, []);
        }

        var errors = new List<string>();
        var settings = new List<EndpointSettings>(snapshot.Endpoints.Count);
        foreach (var endpoint in snapshot.Endpoints)
        {
            var refused = new List<AdminError>();
            settings.Add(EndpointSettings.Parse(endpoint.Operation, endpoint.SettingsJson, refused));
            errors.AddRange(refused.Select(e => $"{endpoint.Method} {endpoint.Path}: {e.Message}"));
        }

        return (settings, errors);
    }

    private static CorsPolicy? BuildCorsPolicy(CorsSettings cors)
    {
        if (cors.AllowOrigins.Count == 0)
        {
            return null;
        }

        var builder = new CorsPolicyBuilder();
        if (cors.AllowOrigins.Contains("*"))
        {
            builder.AllowAnyOrigin();
        }
        else
        {
            builder.WithOrigins([.. cors.AllowOrigins]);
        }

        if (cors.AllowMethods.Count == 0 || cors.AllowMethods.Contains("*"))
        {
            builder.AllowAnyMethod();
        }
        else
        {
            builder.WithMethods([.. cors.AllowMethods]);
        }

        if (cors.AllowHeaders.Count == 0 || cors.AllowHeaders.Contains("*"))
        {
            builder.AllowAnyHeader();
        }
        else
        {
            builder.WithHeaders([.. cors.AllowHeaders]);
        }

        if (cors.MaxAge is { } maxAge)
        {
            builder.SetPreflightMaxAge(TimeSpan.FromSeconds(maxAge));
        }

        if (cors.AllowCredentials && !cors.AllowOrigins.Contains("*"))
        {
            builder.AllowCredentials();
        }

        return builder.Build();
    }
}

/// <summary>An endpoint prepared for the request path.</summary>
public sealed class CompiledEndpoint
{
    internal CompiledEndpoint(EndpointDefinition definition, EndpointSettings settings, SecurityMode mode)
    {
        Definition = definition;
        Settings = settings;
        Credential = CredentialRule.For(mode, definition.Operation, Settings.Auth);
        // On Member / insert, groups are what new members join, not a restriction (no one is logged in to sign up).
        GroupRestricted = Settings.Groups.Count > 0
            && definition.Operation is not (Operation.LoginChallenge or Operation.Token or Operation.LoginChallengeMfa or Operation.Reminder or Operation.MemberInsert);
        TokenPolicy = new TokenPolicy(Settings.AccessTokenLifespan, Settings.RefreshTokenLifespan, Settings.UseRefreshToken, Settings.RotateRefreshToken);
        if (definition.Operation == Operation.DocumentGet)
        {
            DocumentBody = BuildDocument(Settings.DocumentJson ?? "{}");
        }
    }

    /// <summary>The endpoint as configured.</summary>
    public EndpointDefinition Definition { get; }

    /// <summary>The operation.</summary>
    public Operation Operation => Definition.Operation;

    /// <summary>Parsed settings (by the API grain, see <see cref="ApiSnapshot.EndpointSettings"/>).</summary>
    public EndpointSettings Settings { get; }

    /// <summary>Whether the API's credential is required, optional or not used here.</summary>
    public CredentialUse Credential { get; }

    /// <summary>True when only members of <see cref="EndpointSettings.Groups"/> may use the endpoint.</summary>
    public bool GroupRestricted { get; }

    /// <summary>Token lifetimes (token endpoint).</summary>
    public TokenPolicy TokenPolicy { get; }

    /// <summary>What the operation is handed: this endpoint and its API (made once, with the API).</summary>
    public RcmsRequestFeature Request { get; internal set; } = null!;

    /// <summary>The finished response body of a document endpoint (with <c>errors</c> and <c>messages</c>).</summary>
    public byte[]? DocumentBody { get; }

    private static byte[] BuildDocument(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var hasErrors = false;
            var hasMessages = false;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                hasErrors |= property.NameEquals("errors");
                hasMessages |= property.NameEquals("messages");
                property.WriteTo(writer);
            }

            if (!hasErrors)
            {
                writer.WriteStartArray("errors");
                writer.WriteEndArray();
            }

            if (!hasMessages)
            {
                writer.WriteStartArray("messages");
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => Encoding.UTF8.GetString(DocumentBody ?? []);
}

/// <summary>A static token of a compiled API and the caller it authenticates.</summary>
public sealed record CompiledStaticToken(StaticTokenRecord Record, RcmsCaller Caller);
