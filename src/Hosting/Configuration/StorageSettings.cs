namespace ApiSecurity.Hosting.Configuration;

/// <summary>Embedded storage settings (section <c>Storage</c>).</summary>
public sealed class StorageSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Storage";

    /// <summary>The data folder (SQLite database, generated admin token); default <c>data</c> under the current directory.</summary>
    public string Directory { get; set; } = "data";

    /// <summary>The data folder as an absolute path.</summary>
    public string ResolveDirectory() => Path.GetFullPath(string.IsNullOrWhiteSpace(Directory) ? "data" : Directory);
}
