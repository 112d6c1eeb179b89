using ApiSecurity.Grains.Members;
using ApiSecurity.Grains.Security;
using Microsoft.Extensions.Logging;

namespace ApiSecurity.Grains.Apis;

/// <inheritdoc cref="IApiGrain"/>
[GrainType("api")]
public sealed partial class ApiGrain(
    [PersistentState("api", StorageNames.Store)] IPersistentState<ApiState> state,
    TimeProvider time) : Grain, IApiGrain
{
    private ApiSnapshot? _snapshot;

    // Endpoint settings parsed by this activation (validated ones when added or edited, stored ones once when first
    // needed), so each is parsed once and the snapshot hands the result to the front-ends.
    private Dictionary<EndpointDefinition, EndpointSettings> _parsed = [];

    private ApiState S => state.State;

    private string ApiId => this.GetPrimaryKeyString();

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc/>
    public Task<ApiSnapshot?> GetSnapshotAsync() => Task.FromResult(S.Exists ? Snapshot() : null);

    /// <inheritdoc/>
    public async Task<AdminResult<ApiUpsert>> UpsertAsync(string? name, bool? enabled)
    {
        var errors = new List<AdminError>();
        ApiRules.CheckName(name, errors);
        if (errors.Count > 0)
        {
            return AdminResult<ApiUpsert>.Fail(AdminOutcome.Invalid, errors);
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
        var newMode = ApiRules.ParseMode(mode, S.Mode, errors);
        var entries = ApiRules.NormalizeIpRestriction(ipRestriction, errors);
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
        if (CorsRules.Validate(cors, errors) is not { } valid)
        {
            return AdminResult<ApiSnapshot>.Fail(AdminOutcome.Invalid, errors);
        }

        S.Cors = valid;
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

        var errors = new List<AdminError>();
        if (EndpointRules.Validate(endpoint, errors) is not { } valid)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Invalid, errors);
        }

        if (S.Endpoints.Count >= EndpointRules.MaxEndpoints)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, EndpointRules.TooMany());
        }

        if (S.Endpoints.Any(e => e.Method == valid.Method && e.Path == valid.Path))
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, EndpointRules.Duplicate(valid));
        }

        var definition = valid.Define(S.NextEndpointId++);
        S.Endpoints.Add(definition);
        _parsed[definition] = valid.Settings;
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

        var errors = new List<AdminError>();
        if (EndpointRules.Validate(endpoint, errors) is not { } valid)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Invalid, errors);
        }

        if (S.Endpoints.Any(e => e.Id != endpointId && e.Method == valid.Method && e.Path == valid.Path))
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, EndpointRules.Duplicate(valid));
        }

        // Same id, so logs, metrics and the console keep pointing at the same endpoint; the version bump
        // (CommitAsync) makes every web front reload the API, so the new settings apply to the next request.
        var definition = valid.Define(endpointId);
        var updated = S.Endpoints.Select((e, i) => i == index ? definition : e).ToList();
        var unmet = ApiRules.MissingEndpoints(S.Mode, updated);
        if (unmet.Count > 0)
        {
            return AdminResult<EndpointDefinition>.Fail(AdminOutcome.Conflict, unmet);
        }

        S.Endpoints = updated;
        _parsed[definition] = valid.Settings;
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
        var unmet = ApiRules.MissingEndpoints(S.Mode, remaining);
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
        var expiry = StaticTokenRules.Check(memo, expiresAt, now, errors);
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
        if (S.StaticTokens.Count >= StaticTokenRules.MaxTokens)
        {
            return AdminResult<IssuedStaticToken>.Fail(AdminOutcome.Conflict, StaticTokenRules.TooMany());
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

    private static StaticTokenInfo Info(StaticTokenRecord r) => new(r.Id, r.Memo, r.ExpiresAt, r.MemberId, r.CreatedAt);

    private static AdminResult<T> NotFound<T>() =>
        AdminResult<T>.Fail(AdminOutcome.NotFound, new AdminError(AdminErrorCodes.NotFound, "API does not exist"));

    private async Task<List<AdminError>> UnmetRequirementsAsync(SecurityMode mode, IReadOnlyList<EndpointDefinition> endpoints)
    {
        var errors = ApiRules.MissingEndpoints(mode, endpoints);
        if (ApiRules.NeedsMembers(mode) && await GrainFactory.GetGrain<IMemberDirectoryGrain>(0).CountAsync() == 0)
        {
            errors.Add(ApiRules.MissingMember(mode));
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
        S.CreatedAt)
    {
        EndpointSettings = ParsedSettings(),
    };

    /// <summary>The settings of every endpoint, in order: parsed when added or edited, or once from storage.</summary>
    private List<EndpointSettings> ParsedSettings()
    {
        var parsed = new Dictionary<EndpointDefinition, EndpointSettings>(S.Endpoints.Count);
        var list = new List<EndpointSettings>(S.Endpoints.Count);
        foreach (var endpoint in S.Endpoints)
        {
            if (!_parsed.TryGetValue(endpoint, out var settings))
            {
                var errors = new List<AdminError>();
                settings = EndpointSettings.Parse(endpoint.Operation, endpoint.SettingsJson, errors);
                if (errors.Count > 0)
                {
                    // Validated when written, so only a rule made stricter since gets here: the valid part applies.
                    LogStoredSettingsRefused(Logger, ApiId, endpoint.Id, string.Join(" ", errors.Select(e => e.Message)));
                }
            }

            parsed[endpoint] = settings;
            list.Add(settings);
        }

        _parsed = parsed;
        return list;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API {ApiId}, endpoint {EndpointId}: stored settings no longer pass validation ({Errors}); the defaults apply instead of the refused values")]
    private static partial void LogStoredSettingsRefused(ILogger logger, string apiId, long endpointId, string errors);
}
