using System.Text.RegularExpressions;
using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Security;

namespace ApiSecurity.Grains.Apis;

/// <inheritdoc cref="IApiGrain"/>
[GrainType("api")]
public sealed partial class ApiGrain(
    [PersistentState("api", StorageNames.Store)] IPersistentState<ApiState> state,
    TimeProvider time) : Grain, IApiGrain
{
    private const int MaxNameLength = 200;
    private const int MaxEndpoints = 500;
    private const int MaxStaticTokens = 1000;
    private const int MaxIpEntries = 100_000;
    private const int MaxMemoLength = 500;
    private const int MaxSettingsLength = 256 * 1024;
    private const int MaxCorsEntries = 100;

    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal)
    {
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
    };

    private ApiSnapshot? _snapshot;

    private ApiState S => state.State;

    private string ApiId => this.GetPrimaryKeyString();

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc/>
    public Task<ApiSnapshot?> GetSnapshotAsync() => Task.FromResult(S.Exists ? Snapshot() : null);

    /// <inheritdoc/>
    public async Task<AdminResult<ApiUpsert>> UpsertAsync(string? name, bool? enabled)
    {
        if (name is { Length: > MaxNameLength })
        {
            return AdminResult<ApiUpsert>.Fail(AdminOutcome.Invalid, new AdminError(AdminErrorCodes.Invalid, $"name must be at most {MaxNameLength} characters", AdminFields.Name));
        }

        var created = !S.Exists;
        if (created)
        {
            var version = S.Version;
            state.State = new ApiState
            {
                Exists = true,
                Version = version,
                Incarnation = Secrets.NewId(),
                CreatedAt = Now,
                Name = name ?? ApiId,
                Enabled = enabled ?? true,
            };
        }
        else
        {
            if (name is not null)
            {
                S.Name = name;
            }

            if (enabled is { } e)
            {
                S.Enabled = e;
            }
        }

        if (!S.Enabled)
        {
            // Kuroco deletes the static tokens of a disabled API; so do we.
            S.StaticTokens.Clear();
        }

        await CommitAsync();
        return AdminResult<ApiUpsert>.Ok(new ApiUpsert(Snapshot(), created));
    }

    /// <inheritdoc/>
    public async Task<AdminResult<ApiSnapshot>> SetSecurityAsync(string? mode, IReadOnlyList<string>? ipRestriction)
    {
        if (!S.Exists)
        {
            return NotFound<ApiSnapshot>();
        }

        var errors = new List<AdminError>();
        var newMode = S.Mode;
        if (mode is not null && !SecurityModes.TryParse(mode, out newMode))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "mode must be one of none, static_token, dynamic_token, cookie", AdminFields.Mode));
        }

        IReadOnlyList<string>? entries = null;
        if (ipRestriction is not null)
        {
            entries = IpAllowList.Normalize(ipRestriction);
            if (entries.Count > MaxIpEntries)
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"at most {MaxIpEntries} IP entries", AdminFields.IpRestriction));
            }
            else
            {
                IpAllowList.Parse(entries, out var ipErrors);
                errors.AddRange(ipErrors.Select(e => new AdminError(AdminErrorCodes.Invalid, $"invalid IP restriction entry {e}", AdminFields.IpRestriction)));
            }
        }

        if (errors.Count > 0)
        {
            return AdminResult<ApiSnapshot>.Fail(AdminOutcome.Invalid, errors);
        }

        var unmet = await UnmetRequirementsAsync(newMode, S.Endpoints);
        if (unmet.Count > 0)
        {
            return AdminResult<ApiSnapshot>.Fail(AdminOutcome.Conflict, unmet);
        }

        S.Mode = newMode;
        if (entries is not null)
        {
            S.IpRestriction = [.. entries];
        }

        await CommitAsync();
        return AdminResult<ApiSnapshot>.Ok(Snapshot());
    }

    /// <inheritdoc/>
    public async Task<AdminResult<ApiSnapshot>> SetCorsAsync(CorsSettings cors)
    {
        if (!S.Exists)
        {
            return NotFound<ApiSnapshot>();
        }

        var errors = new List<AdminError>();
        var origins = new List<string>();
        foreach (var origin in cors.AllowOrigins ?? [])
        {
            var o = origin?.Trim() ?? string.Empty;
            if (o == "*")
            {
                origins.Add(o);
                continue;
            }

            if (!Uri.TryCreate(o, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")
                || uri.AbsolutePath != "/" || o.EndsWith('/') || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"'{Clip(o)}' is not an origin (scheme://host[:port])", AdminFields.CorsAllowOrigins));
                continue;
            }

            origins.Add(o);
        }

        if (origins.Contains("*") && cors.AllowCredentials)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "'*' cannot be combined with allow_credentials", AdminFields.CorsAllowOrigins));
        }

        var methods = new List<string>();
        foreach (var method in cors.AllowMethods ?? [])
        {
            var m = method?.Trim().ToUpperInvariant() ?? string.Empty;
            if (m != "*" && !KnownMethods.Contains(m))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"'{Clip(m)}' is not an HTTP method", AdminFields.CorsAllowMethods));
                continue;
            }

            methods.Add(m);
        }

        var headers = new List<string>();
        foreach (var header in cors.AllowHeaders ?? [])
        {
            var h = header?.Trim() ?? string.Empty;
            if (h != "*" && !HeaderName().IsMatch(h))
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"'{Clip(h)}' is not a header name", AdminFields.CorsAllowHeaders));
                continue;
            }

            headers.Add(h);
        }

        if (cors.MaxAge is < 0 or > 86400)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "max_age must be between 0 and 86400 seconds", AdminFields.CorsMaxAge));
        }

        if (origins.Count > MaxCorsEntries || methods.Count > MaxCorsEntries || headers.Count > MaxCorsEntries)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"at most {MaxCorsEntries} entries per list", AdminFields.CorsAllowOrigins));
        }

        if (errors.Count > 0)
        {
            return AdminResult<ApiSnapshot>.Fail(AdminOutcome.Invalid, errors);
        }

        S.Cors = new CorsSettings(origins.Distinct().ToList(), methods.Distinct().ToList(), headers.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), cors.MaxAge, cors.AllowCredentials);
        await CommitAsync();
        return AdminResult<ApiSnapshot>.Ok(Snapshot());
    }

    /// <inheritdoc/>
    public async Task<AdminResult<EndpointDefinition>> AddEndpointAsync(NewEndpoint endpoint)
    {
        if (!S.Exists)
        {
            return NotFound<EndpointDefinition>();
        }

        var (method, path, operation, errors) = ValidateEndpoint(endpoint);
        if (errors.Count > 0)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Invalid, errors);
        }

        if (S.Endpoints.Count >= MaxEndpoints)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.Limit, $"an API has at most {MaxEndpoints} endpoints"));
        }

        if (S.Endpoints.Any(e => e.Method == method && e.Path == path))
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.Duplicate, $"an endpoint {method} {path} already exists", AdminFields.Path));
        }

        var definition = new EndpointDefinition(S.NextEndpointId++, method, path, operation, string.IsNullOrWhiteSpace(endpoint.SettingsJson) ? "{}" : endpoint.SettingsJson!);
        S.Endpoints.Add(definition);
        await CommitAsync();
        return AdminResult<EndpointDefinition>.Ok(definition);
    }

    /// <inheritdoc/>
    public async Task<AdminResult<EndpointDefinition>> UpdateEndpointAsync(long endpointId, NewEndpoint endpoint)
    {
        if (!S.Exists)
        {
            return NotFound<EndpointDefinition>();
        }

        var index = S.Endpoints.FindIndex(e => e.Id == endpointId);
        if (index < 0)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.NotFound, new AdminError(AdminErrorCodes.NotFound, $"endpoint {endpointId} does not exist"));
        }

        var (method, path, operation, errors) = ValidateEndpoint(endpoint);
        if (errors.Count > 0)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Invalid, errors);
        }

        if (S.Endpoints.Any(e => e.Id != endpointId && e.Method == method && e.Path == path))
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.Duplicate, $"an endpoint {method} {path} already exists", AdminFields.Path));
        }

        // Same id, so logs, metrics and the console keep pointing at the same endpoint; the version bump
        // (CommitAsync) makes every web front reload the API, so the new settings apply to the next request.
        var definition = new EndpointDefinition(endpointId, method, path, operation, string.IsNullOrWhiteSpace(endpoint.SettingsJson) ? "{}" : endpoint.SettingsJson!);
        var updated = S.Endpoints.Select((e, i) => i == index ? definition : e).ToList();
        var unmet = MissingEndpoints(S.Mode, updated);
        if (unmet.Count > 0)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, unmet);
        }

        S.Endpoints = updated;
        await CommitAsync();
        return AdminResult<EndpointDefinition>.Ok(definition);
    }

    /// <inheritdoc/>
    public async Task<AdminResult<bool>> RemoveEndpointAsync(long endpointId)
    {
        if (!S.Exists)
        {
            return NotFound<bool>();
        }

        var index = S.Endpoints.FindIndex(e => e.Id == endpointId);
        if (index < 0)
        {
            return AdminResult<bool>.Fail(AdminOutcome.NotFound, new AdminError(AdminErrorCodes.NotFound, $"endpoint {endpointId} does not exist"));
        }

        var remaining = S.Endpoints.Where((_, i) => i != index).ToList();
        var unmet = MissingEndpoints(S.Mode, remaining);
        if (unmet.Count > 0)
        {
            return AdminResult<bool>.Fail(AdminOutcome.Conflict, unmet);
        }

        S.Endpoints = remaining;
        await CommitAsync();
        return AdminResult<bool>.Ok(true);
    }

    /// <inheritdoc/>
    public async Task<AdminResult<IssuedStaticToken>> IssueStaticTokenAsync(string? memo, long? expiresAt, long? memberId)
    {
        if (!S.Exists)
        {
            return NotFound<IssuedStaticToken>();
        }

        var now = Now;
        var errors = new List<AdminError>();
        if (memo is { Length: > MaxMemoLength })
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"memo must be at most {MaxMemoLength} characters", AdminFields.Memo));
        }

        var expiry = expiresAt ?? now + (365L * 86400);
        if (expiry <= now)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "expires_at must be in the future (Unix seconds)", AdminFields.ExpiresAt));
        }
        else if (expiry > now + (100L * 366 * 86400))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "expires_at is too far in the future", AdminFields.ExpiresAt));
        }

        if (memberId is { } id)
        {
            if (id <= 0 || !await GrainFactory.GetGrain<IMemberGrain>(id).ExistsAsync())
            {
                errors.Add(new AdminError(AdminErrorCodes.Invalid, $"member {id} does not exist", AdminFields.MemberId));
            }
        }

        if (!S.Enabled)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "the API is disabled; enable it before issuing static tokens", AdminFields.Enabled));
        }

        if (errors.Count > 0)
        {
            return AdminResult<IssuedStaticToken>.Fail(AdminOutcome.Invalid, errors);
        }

        S.StaticTokens.RemoveAll(t => t.ExpiresAt <= now);
        if (S.StaticTokens.Count >= MaxStaticTokens)
        {
            return AdminResult<IssuedStaticToken>.Fail(AdminOutcome.Conflict, new AdminError(AdminErrorCodes.Limit, $"an API has at most {MaxStaticTokens} static tokens"));
        }

        var value = Secrets.NewSecret();
        var record = new StaticTokenRecord(Secrets.NewId(), Secrets.Hash(value), memo ?? string.Empty, expiry, memberId, now);
        S.StaticTokens.Add(record);
        await CommitAsync();
        return AdminResult<IssuedStaticToken>.Ok(new IssuedStaticToken(Info(record), value));
    }

    /// <inheritdoc/>
    public Task<AdminResult<IReadOnlyList<StaticTokenInfo>>> ListStaticTokensAsync()
    {
        if (!S.Exists)
        {
            return Task.FromResult(NotFound<IReadOnlyList<StaticTokenInfo>>());
        }

        var now = Now;
        IReadOnlyList<StaticTokenInfo> list = S.StaticTokens.Where(t => t.ExpiresAt > now).Select(Info).ToList();
        return Task.FromResult(AdminResult<IReadOnlyList<StaticTokenInfo>>.Ok(list));
    }

    /// <inheritdoc/>
    public async Task<AdminResult<bool>> RevokeStaticTokenAsync(string tokenId)
    {
        if (!S.Exists)
        {
            return NotFound<bool>();
        }

        if (S.StaticTokens.RemoveAll(t => t.Id == tokenId) == 0)
        {
            return AdminResult<bool>.Fail(AdminOutcome.NotFound, new AdminError(AdminErrorCodes.NotFound, "static token does not exist"));
        }

        await CommitAsync();
        return AdminResult<bool>.Ok(true);
    }

    /// <inheritdoc/>
    public async Task RevokeStaticTokensOfMemberAsync(long memberId)
    {
        if (S.Exists && S.StaticTokens.RemoveAll(t => t.MemberId == memberId) > 0)
        {
            await CommitAsync();
        }
    }

    /// <inheritdoc/>
    public async Task<AdminResult<bool>> DeleteAsync()
    {
        if (!S.Exists)
        {
            return NotFound<bool>();
        }

        await AnnounceChangeAsync();
        state.State = new ApiState { Exists = false, Version = S.Version + 1 };
        _snapshot = null;
        await state.WriteStateAsync();
        await PublishAsync();
        return AdminResult<bool>.Ok(true);
    }

    /// <summary>Validates an endpoint's method, path, operation and settings (the same rules for adding and editing).</summary>
    private static (string Method, string Path, Operation Operation, List<AdminError> Errors) ValidateEndpoint(NewEndpoint endpoint)
    {
        var errors = new List<AdminError>();
        var method = endpoint.Method?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(method))
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "method is required", AdminFields.Method));
        }
        else if (!KnownMethods.Contains(method))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "method must be GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS", AdminFields.Method));
        }

        var path = NormalizePath(endpoint.Path);
        if (endpoint.Path is null)
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "path is required", AdminFields.Path));
        }
        else if (path is null)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "path must be 1-200 characters of letters, digits, '-', '_', '.', '~' and '/' segments, without '..'", AdminFields.Path));
        }

        Operation operation = default;
        if (endpoint.Category is null || endpoint.Model is null || endpoint.Operation is null)
        {
            errors.Add(new AdminError(AdminErrorCodes.Required, "category, model and operation are required", endpoint.Category is null ? AdminFields.Category : endpoint.Model is null ? AdminFields.Model : AdminFields.Operation));
        }
        else if (!Operations.TryFind(endpoint.Category, endpoint.Model, endpoint.Operation, out operation))
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, "unknown operation; supported: " + string.Join(", ", Enum.GetValues<Operation>().Select(o => o.Display())), AdminFields.Operation));
        }
        else if (method is not null && operation.RequiredMethod() is { } required && required != method)
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"{operation.Display()} requires method {required}", AdminFields.Method));
        }

        if (endpoint.SettingsJson is { Length: > MaxSettingsLength })
        {
            errors.Add(new AdminError(AdminErrorCodes.Invalid, $"settings must be at most {MaxSettingsLength} bytes", AdminFields.Settings));
        }
        else if (errors.Count == 0)
        {
            EndpointSettings.Parse(operation, endpoint.SettingsJson, errors);
        }

        return (method ?? string.Empty, path ?? string.Empty, operation, errors);
    }

    /// <summary>
    /// Makes a path canonical: no leading or trailing slash, safe characters only, no dot segments.
    /// Returns null when the path is not acceptable.
    /// </summary>
    public static string? NormalizePath(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var p = path.Trim().Trim('/');
        if (p.Length is 0 or > 200 || !PathPattern().IsMatch(p))
        {
            return null;
        }

        foreach (var segment in p.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return null;
            }
        }

        return p;
    }

    private static StaticTokenInfo Info(StaticTokenRecord r) => new(r.Id, r.Memo, r.ExpiresAt, r.MemberId, r.CreatedAt);

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private static AdminResult<T> NotFound<T>() =>
        AdminResult<T>.Fail(AdminOutcome.NotFound, new AdminError(AdminErrorCodes.NotFound, "API does not exist"));

    private static List<AdminError> MissingEndpoints(SecurityMode mode, IReadOnlyList<EndpointDefinition> endpoints)
    {
        var errors = new List<AdminError>();
        var needed = mode switch
        {
            SecurityMode.StaticToken => new[] { Operation.Token },
            SecurityMode.DynamicToken => [Operation.LoginChallenge, Operation.Token],
            SecurityMode.Cookie => [Operation.LoginChallenge],
            _ => [],
        };
        foreach (var op in needed)
        {
            if (!endpoints.Any(e => e.Operation == op))
            {
                errors.Add(new AdminError(AdminErrorCodes.MissingEndpoint, $"mode {mode.ToWire()} requires an endpoint bound to {op.Display()}", AdminFields.EndpointFor(op)));
            }
        }

        return errors;
    }

    private async Task<List<AdminError>> UnmetRequirementsAsync(SecurityMode mode, IReadOnlyList<EndpointDefinition> endpoints)
    {
        var errors = MissingEndpoints(mode, endpoints);
        if (mode is SecurityMode.DynamicToken or SecurityMode.Cookie
            && await GrainFactory.GetGrain<IMemberDirectoryGrain>(0).CountAsync() == 0)
        {
            errors.Add(new AdminError(AdminErrorCodes.MissingMember, $"mode {mode.ToWire()} requires at least one registered member", AdminFields.Members));
        }

        return errors;
    }

    private async Task CommitAsync()
    {
        await AnnounceChangeAsync();
        S.Version++;
        _snapshot = null;
        await state.WriteStateAsync();
        await PublishAsync();
    }

    private ApiSnapshot Snapshot() => _snapshot ??= new ApiSnapshot(
        ApiId,
        S.Name,
        S.Enabled,
        S.Mode,
        S.IpRestriction.ToList(),
        S.Cors,
        S.Endpoints.ToList(),
        S.StaticTokens.ToList(),
        S.Version,
        $"{ApiId}#{S.Incarnation}",
        S.CreatedAt);

    [GeneratedRegex(@"^[A-Za-z0-9\-_.~/]+$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,100}$")]
    private static partial Regex HeaderName();
}
