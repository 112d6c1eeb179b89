namespace ApiSecurity.Grains.Admins;

/// <summary>Persisted state of one administrator.</summary>
[GenerateSerializer, Alias("AdminState")]
public sealed class AdminState
{
    /// <summary>False before creation and after deletion.</summary>
    [Id(0)] public bool Exists { get; set; }

    /// <summary>Display name.</summary>
    [Id(1)] public string Name { get; set; } = string.Empty;

    /// <summary>Role.</summary>
    [Id(2)] public AdminRole Role { get; set; }

    /// <summary>Creation time (Unix seconds).</summary>
    [Id(3)] public long CreatedAt { get; set; }

    /// <summary>Live credentials, keyed by token id.</summary>
    [Id(4)] public Dictionary<string, StoredAdminToken> Tokens { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A credential as stored: its SHA-256, never the value.</summary>
[GenerateSerializer, Immutable, Alias("StoredAdminToken")]
public sealed record StoredAdminToken(
    [property: Id(0)] byte[] Hash,
    [property: Id(1)] long CreatedAt,
    [property: Id(2)] long? ExpiresAt);

/// <summary>Persisted state of the administrator directory.</summary>
[GenerateSerializer, Alias("AdminDirectoryState")]
public sealed class AdminDirectoryState
{
    /// <summary>Every live administrator, keyed by id.</summary>
    [Id(0)] public Dictionary<string, AdminInfo> Admins { get; set; } = new(StringComparer.Ordinal);
}
