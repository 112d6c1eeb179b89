using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace ApiSecurity.Hosting.Storage;

/// <summary>
/// Grain storage in a SQLite file through Orleans' ADO.NET provider, with the project's own schema
/// (<c>sqlite-schema.sql</c>) applied at start-up, WAL journaling, a busy timeout on every connection,
/// and the binary Orleans serializer (version-tolerant through [Id] and [Alias]).
/// </summary>
public static class SqliteGrainStorage
{
    /// <summary>The database file name inside the data folder.</summary>
    public const string FileName = "apisecurity.db";

    /// <summary>Orleans' ADO.NET invariant for SQLite (it resolves to Microsoft.Data.Sqlite).</summary>
    public const string Invariant = "System.Data.SQLite";

    private const int BusyTimeoutMilliseconds = 10_000;

    /// <summary>Creates the database when missing, applies the schema, and returns the connection string.</summary>
    public static string Prepare(string dataDirectory)
    {
        var path = Path.Combine(DataDirectory.Ensure(dataDirectory), FileName);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (file == path || File.Exists(file))
            {
                DataDirectory.EnsureOwnerOnlyFile(file);
            }
        }

        var create = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using (var connection = new SqliteConnection(create))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};\n" + ReadSchema();
            command.ExecuteNonQuery();
        }

        // From here on the file must exist: a wrong path fails loudly instead of creating a new database.
        return new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = true }.ToString();
    }

    /// <summary>Registers the storage provider <paramref name="name"/> on a silo.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder silo, string name, string dataDirectory)
    {
        var connectionString = Prepare(dataDirectory);
        silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<IServiceProvider>((o, services) =>
            {
                o.Invariant = Invariant;
                o.DataSource = new BusyTimeoutDataSource(connectionString);
                o.DeleteStateOnClear = false;
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
            }));
        return silo;
    }

    private static string ReadSchema()
    {
        using var stream = typeof(SqliteGrainStorage).Assembly.GetManifestResourceStream("ApiSecurity.Hosting.Storage.sqlite-schema.sql")
            ?? throw new InvalidOperationException("sqlite-schema.sql is not embedded in the Hosting assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Hands out SQLite connections that wait for locks instead of failing with "database is locked".</summary>
    private sealed class BusyTimeoutDataSource(string connectionString) : DbDataSource
    {
        public override string ConnectionString => connectionString;

        protected override DbConnection CreateDbConnection()
        {
            var connection = new SqliteConnection(connectionString);
            connection.StateChange += static (sender, e) =>
            {
                if (e.CurrentState == System.Data.ConnectionState.Open && sender is SqliteConnection open)
                {
                    using var pragma = open.CreateCommand();
                    pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";
                    pragma.ExecuteNonQuery();
                }
            };
            return connection;
        }
    }
}
