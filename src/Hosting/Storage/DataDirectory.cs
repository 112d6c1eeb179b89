namespace ApiSecurity.Hosting.Storage;

/// <summary>
/// The embedded data folder: created readable by its owner only (0700), and the files in it (the
/// SQLite database, its WAL and shared-memory files, the generated admin token) 0600. The database
/// holds password hashes and token hashes; other local users have no reason to read them.
/// </summary>
public static class DataDirectory
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> when missing (owner only) and returns its full path.</summary>
    public static string Ensure(string path)
    {
        var full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
        }
        else if (!Directory.Exists(full))
        {
            Directory.CreateDirectory(full, OwnerOnlyDirectory);
        }

        return full;
    }

    /// <summary>
    /// Creates <paramref name="file"/> empty with owner-only permissions when missing, and narrows the
    /// permissions of an existing one (SQLite gives its -wal and -shm files the database file's mode).
    /// </summary>
    public static void EnsureOwnerOnlyFile(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(file))
        {
            using var created = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnlyFile,
            });
            return;
        }

        if ((File.GetUnixFileMode(file) & ~OwnerOnlyFile) != 0)
        {
            File.SetUnixFileMode(file, OwnerOnlyFile);
        }
    }
}
