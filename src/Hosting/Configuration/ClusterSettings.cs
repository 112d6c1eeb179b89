namespace ApiSecurity.Hosting.Configuration;

/// <summary>Cluster settings (section <c>Cluster</c>).</summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Cluster";

    /// <summary>Default Orleans cluster id.</summary>
    public const string DefaultClusterId = "api-security";

    /// <summary>Default Orleans service id (part of every storage key: keep it stable).</summary>
    public const string DefaultServiceId = "api-security";

    /// <summary>Redis connection string; when set, clustering and storage use Redis and the WebFront is a client.</summary>
    public string? Redis { get; set; }

    /// <summary>Orleans cluster id.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Orleans service id.</summary>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>True when <see cref="Redis"/> is set.</summary>
    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);
}
