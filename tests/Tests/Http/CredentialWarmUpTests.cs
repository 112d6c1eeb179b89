using ApiSecurity.Grains.Sessions;
using ApiSecurity.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// A web front started as users start it runs the credential path once before it listens (token keys, one MAC,
/// a session grain asked about member 0, which no member has), so the first real token after a start does not
/// pay for that set-up; the warm-up stores nothing.
/// </summary>
public sealed class CredentialWarmUpTests
{
    [Fact]
    public async Task Start_AsksASessionGrainForMemberZero_AndStoresNothing()
    {
        // Given a web front started with no settings and no request sent to it yet
        await using var host = await WebFrontHost.StartAsync();

        // When its active grains are listed (for up to 15 s: on a loaded machine the start may have gone on
        // after the warm-up's 5 s limit while its grain call was still under way)
        var management = host.GetService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var memberZero = GrainId.Create(GrainType.Create(MemberSessionGrain.GrainTypeName), GrainIdKeyExtensions.CreateIntegerKey(0));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var active = await management.GetDetailedGrainStatistics();
        while (!active.Any(s => s.GrainId == memberZero) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            active = await management.GetDetailedGrainStatistics();
        }

        // Then the session grain of member 0 is among them (only the warm-up addresses member 0) ...
        Assert.Contains(active, s => s.GrainId == memberZero);

        // ... and no session state was written for it
        var file = Path.Combine(host.DataDirectory, ApiSecurity.Hosting.Storage.SqliteGrainStorage.FileName);
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = 'member-session'";
        Assert.Equal(0L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
