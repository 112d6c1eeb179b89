namespace ApiSecurity.Grains;

/// <summary>Names shared by the grains and the hosts that configure storage.</summary>
public static class StorageNames
{
    /// <summary>The grain storage provider every grain persists to.</summary>
    public const string Store = "apisecurity";
}
