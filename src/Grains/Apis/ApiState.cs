namespace ApiSecurity.Grains.Apis;

/// <summary>
/// Persisted state of an API. A deleted API keeps its row as a tombstone so that <see cref="Version"/>
/// only ever grows: front-ends compare versions to know when their cached snapshot is stale.
/// </summary>
[GenerateSerializer, Alias("ApiState")]
public sealed class ApiState
{
    /// <summary>False before creation and after deletion.</summary>
    [Id(0)] public bool Exists { get; set; }

    /// <summary>Display name.</summary>
    [Id(1)] public string Name { get; set; } = string.Empty;

    /// <summary>When false every endpoint answers 404.</summary>
    [Id(2)] public bool Enabled { get; set; } = true;

    /// <summary>Security mode.</summary>
    [Id(3)] public SecurityMode Mode { get; set; }

    /// <summary>IP allow-list entries as given (comments removed).</summary>
    [Id(4)] public List<string> IpRestriction { get; set; } = [];

    /// <summary>CORS settings.</summary>
    [Id(5)] public CorsSettings Cors { get; set; } = CorsSettings.Empty;

    /// <summary>Endpoints.</summary>
    [Id(6)] public List<EndpointDefinition> Endpoints { get; set; } = [];

    /// <summary>Static tokens (hashes only).</summary>
    [Id(7)] public List<StaticTokenRecord> StaticTokens { get; set; } = [];

    /// <summary>The next endpoint id.</summary>
    [Id(8)] public long NextEndpointId { get; set; } = 1;

    /// <summary>Grows on every change, deletions included.</summary>
    [Id(9)] public long Version { get; set; }

    /// <summary>Identifies this incarnation of the API (new on every creation).</summary>
    [Id(10)] public string Incarnation { get; set; } = string.Empty;

    /// <summary>Creation time (Unix seconds).</summary>
    [Id(11)] public long CreatedAt { get; set; }
}
