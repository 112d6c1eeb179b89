namespace ApiSecurity.Grains.Apis;

/// <summary>An endpoint of an API: (method, path) bound to an operation with its settings.</summary>
[GenerateSerializer, Immutable, Alias("EndpointDefinition")]
public sealed record EndpointDefinition(
    [property: Id(0)] long Id,
    [property: Id(1)] string Method,
    [property: Id(2)] string Path,
    [property: Id(3)] Operation Operation,
    [property: Id(4)] string SettingsJson);

/// <summary>Per-API CORS settings.</summary>
[GenerateSerializer, Immutable, Alias("CorsSettings")]
public sealed record CorsSettings(
    [property: Id(0)] IReadOnlyList<string> AllowOrigins,
    [property: Id(1)] IReadOnlyList<string> AllowMethods,
    [property: Id(2)] IReadOnlyList<string> AllowHeaders,
    [property: Id(3)] int? MaxAge,
    [property: Id(4)] bool AllowCredentials)
{
    /// <summary>No cross-origin access.</summary>
    public static CorsSettings Empty { get; } = new([], [], [], null, false);
}

/// <summary>A static token as stored: its hash, never its value.</summary>
[GenerateSerializer, Immutable, Alias("StaticTokenRecord")]
public sealed record StaticTokenRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] byte[] Hash,
    [property: Id(2)] string Memo,
    [property: Id(3)] long ExpiresAt,
    [property: Id(4)] long? MemberId,
    [property: Id(5)] long CreatedAt);

/// <summary>
/// Everything a front-end needs to enforce an API without calling a grain: the immutable,
/// versioned configuration. <see cref="Scope"/> changes when an API is deleted and created again,
/// so tokens of the old incarnation never work on the new one.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApiSnapshot")]
public sealed record ApiSnapshot(
    [property: Id(0)] string ApiId,
    [property: Id(1)] string Name,
    [property: Id(2)] bool Enabled,
    [property: Id(3)] SecurityMode Mode,
    [property: Id(4)] IReadOnlyList<string> IpRestriction,
    [property: Id(5)] CorsSettings Cors,
    [property: Id(6)] IReadOnlyList<EndpointDefinition> Endpoints,
    [property: Id(7)] IReadOnlyList<StaticTokenRecord> StaticTokens,
    [property: Id(8)] long Version,
    [property: Id(9)] string Scope,
    [property: Id(10)] long CreatedAt)
{
    /// <summary>
    /// The settings of each of <see cref="Endpoints"/> (same order) as the API grain parsed and validated them, so a
    /// front-end does not parse them again. Null in a snapshot built elsewhere (by hand, or by a silo of an earlier
    /// version); the raw JSON stays in <see cref="EndpointDefinition.SettingsJson"/>, which the admin API echoes back.
    /// </summary>
    [Id(11)]
    public IReadOnlyList<EndpointSettings>? EndpointSettings { get; init; }
}

/// <summary>A new endpoint as requested by an administrator.</summary>
[GenerateSerializer, Immutable, Alias("NewEndpoint")]
public sealed record NewEndpoint(
    [property: Id(0)] string? Method,
    [property: Id(1)] string? Path,
    [property: Id(2)] string? Category,
    [property: Id(3)] string? Model,
    [property: Id(4)] string? Operation,
    [property: Id(5)] string? SettingsJson);

/// <summary>A static token description without its value.</summary>
[GenerateSerializer, Immutable, Alias("StaticTokenInfo")]
public sealed record StaticTokenInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Memo,
    [property: Id(2)] long ExpiresAt,
    [property: Id(3)] long? MemberId,
    [property: Id(4)] long CreatedAt);

/// <summary>A newly issued static token: the only time its value is available.</summary>
[GenerateSerializer, Immutable, Alias("IssuedStaticToken")]
public sealed record IssuedStaticToken(
    [property: Id(0)] StaticTokenInfo Info,
    [property: Id(1)] string Value);
