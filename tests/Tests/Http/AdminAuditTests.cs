using System.Text;
using ApiSecurity.Hosting.Storage;
using ApiSecurity.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ApiSecurity.Tests.Http;

/// <summary>The admin audit trail: content of every kind of change, no secrets, and the hash chain.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class AdminAuditTests(WebFrontFixture fixture)
{
    [Fact]
    public async Task EveryChange_IsRecordedWithItsAdministrator_AndNoSecret()
    {
        var admin = fixture.Admin;

        // Given an operator with a token, and the bootstrap administrator
        var opName = Admin.UniqueId("operator");
        var op = await admin.OkJsonAsync(HttpMethod.Post, "/admin/admins", new { name = opName, role = "operator" });
        var opId = op["admin_id"]!.GetValue<string>();
        var issued = await admin.OkJsonAsync(HttpMethod.Post, $"/admin/admins/{opId}/tokens", new { });
        var opToken = issued["value"]!.GetValue<string>();
        using var opClient = fixture.Host.CreateClient();
        opClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", opToken);
        var operatorApi = new Admin(opClient);

        // When the bootstrap administrator changes an API, issues a static token and registers a member
        var apiId = Admin.UniqueId("audited");
        await admin.CreateApiAsync(apiId, "Audited shop");
        await admin.AddLoginAsync(apiId);
        await admin.AddTokenAsync(apiId);
        await admin.SetSecurityAsync(apiId, "none", "10.0.0.0/8");
        await admin.OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/cors", new { allow_origins = new[] { "https://shop.example" } });
        var (_, staticValue) = await admin.IssueStaticTokenAsync(apiId, memo: "ci job");
        const string password = "Sup3r-secret-passw0rd!";
        var (memberId, email, _) = await admin.RegisterMemberAsync(password: password);

        // And the operator unlocks the member, is refused a security change, and signs in to the console
        await operatorApi.OkJsonAsync(HttpMethod.Post, $"/admin/members/{memberId}/unlock");
        await operatorApi.OkJsonAsync(HttpMethod.Post, $"/admin/members/{memberId}/mfa");
        using var refused = await operatorApi.SendAsync(HttpMethod.Put, $"/admin/apis/{apiId}/security", new { mode = "static_token" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await operatorApi.OkJsonAsync(HttpMethod.Post, "/admin/session");

        // And someone without a credential tries to delete the API
        using var anonymous = fixture.Host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/admin/apis/{apiId}")).StatusCode);

        // Then the trail names who did each of them, newest first
        var byApi = (await admin.OkJsonAsync(HttpMethod.Get, $"/admin/audit?api_id={apiId}&limit=500"))["entries"]!.AsArray();
        var seqs = byApi.Select(e => e!["seq"]!.GetValue<long>()).ToList();
        Assert.Equal(seqs.OrderDescending(), seqs);
        Assert.Contains(byApi, e => Is(e, "bootstrap", $"PUT /admin/apis/{{apiId}}", 201) && e!["target"]!["api_name"]!.GetValue<string>() == "Audited shop");
        var security = Assert.Single(byApi, e => Is(e, "bootstrap", "PUT /admin/apis/{apiId}/security", 200));
        Assert.Contains("ip_restriction: [] → [10.0.0.0/8]", security!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(byApi, e => Is(e, "bootstrap", "PUT /admin/apis/{apiId}/cors", 200));
        Assert.Contains(byApi, e => Is(e, "bootstrap", "POST /admin/apis/{apiId}/static-tokens", 201));
        var refusedEntry = Assert.Single(byApi, e => Is(e, opName, "PUT /admin/apis/{apiId}/security", 403));
        Assert.Contains("apis:write", refusedEntry!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(issued["token_id"]!.GetValue<string>(), refusedEntry["credential_id"]!.GetValue<string>());
        Assert.Contains(byApi, e => Is(e, "(unauthenticated)", "DELETE /admin/apis/{apiId}", 401));

        var byOperator = (await admin.OkJsonAsync(HttpMethod.Get, $"/admin/audit?admin={Uri.EscapeDataString(opName)}"))["entries"]!.AsArray();
        var unlock = Assert.Single(byOperator, e => Is(e, opName, "POST /admin/members/{memberId}/unlock", 200));
        Assert.Equal(email, unlock!["target"]!["member_email"]!.GetValue<string>());
        var mfaReset = Assert.Single(byOperator, e => Is(e, opName, "POST /admin/members/{memberId}/mfa", 200));
        Assert.Equal("second factor reset", mfaReset!["summary"]!.GetValue<string>());
        Assert.Equal(memberId.ToString(System.Globalization.CultureInfo.InvariantCulture), mfaReset["target"]!["member_id"]!.GetValue<string>());
        Assert.Contains(byOperator, e => Is(e, opName, "POST /admin/session", 200));
        Assert.All(byOperator, e => Assert.Equal("127.0.0.1", e!["client_ip"]!.GetValue<string>()));

        // And no entry anywhere holds a token value, the password or a hash of them
        var everything = (await admin.OkJsonAsync(HttpMethod.Get, "/admin/audit?limit=500")).ToJsonString();
        Assert.Contains(opName, everything, StringComparison.Ordinal);
        foreach (var secret in new[] { opToken, opToken[(opToken.IndexOf('.') + 1)..], staticValue, password, WebFrontHost.AdminTokenValue })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(Hex(secret), everything, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(secret))), everything, StringComparison.Ordinal);
        }

        // And the chain verifies
        var verify = await admin.OkJsonAsync(HttpMethod.Get, "/admin/audit/verify");
        Assert.True(verify["ok"]!.GetValue<bool>(), verify.ToJsonString());
    }

    [Fact]
    public async Task Verify_PointsAtTheEntryThatWasEditedInStorage()
    {
        // Given a fresh front with five recorded changes whose chain verifies
        await using var host = await WebFrontHost.StartAsync();
        var admin = new Admin(host.CreateClient(admin: true));
        for (var i = 1; i <= 5; i++)
        {
            await admin.CreateApiAsync($"edit-{i}", $"name-{i:D4}");
        }

        var before = await admin.OkJsonAsync(HttpMethod.Get, "/admin/audit/verify");
        Assert.Equal("""{"ok":true,"first_bad_seq":null,"checked":5}""", before.ToJsonString());

        // When, with the front stopped, the third entry's API name is changed inside the stored record
        await host.RestartAsync(whileStopped: () => PatchAuditPagesAsync(host, "name-0003", "name-9999"));

        // Then verification fails at seq 3
        admin = new Admin(host.CreateClient(admin: true));
        var after = await admin.OkJsonAsync(HttpMethod.Get, "/admin/audit/verify");
        Assert.Equal("""{"ok":false,"first_bad_seq":3,"checked":2}""", after.ToJsonString());
    }

    [Fact]
    public async Task Verify_PointsAtTheFirstEntryOfARecordThatWasDeletedFromStorage()
    {
        // Given a fresh front with 230 recorded changes (three stored pages: 1-100, 101-200, 201-230)
        await using var host = await WebFrontHost.StartAsync();
        var admin = new Admin(host.CreateClient(admin: true));
        for (var i = 1; i <= 230; i++)
        {
            await admin.CreateApiAsync($"del-{i}");
        }

        Assert.True((await admin.OkJsonAsync(HttpMethod.Get, "/admin/audit/verify"))["ok"]!.GetValue<bool>());

        // When, with the front stopped, the record holding entries 101-200 is deleted
        await host.RestartAsync(whileStopped: async () => Assert.Equal(1, await DeleteAuditPageAsync(host, containing: "del-150")));

        // Then verification fails at seq 101, after checking the 100 entries before it
        admin = new Admin(host.CreateClient(admin: true));
        var after = await admin.OkJsonAsync(HttpMethod.Get, "/admin/audit/verify");
        Assert.Equal("""{"ok":false,"first_bad_seq":101,"checked":100}""", after.ToJsonString());
    }

    private static bool Is(JsonNode? entry, string adminName, string action, int outcome) =>
        entry!["admin"]!.GetValue<string>() == adminName
        && entry["action"]!.GetValue<string>() == action
        && entry["outcome"]!.GetValue<int>() == outcome;

    private static string Hex(string secret) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static SqliteConnection Open(WebFrontHost host) =>
        new($"Data Source={Path.Combine(host.DataDirectory, SqliteGrainStorage.FileName)};Pooling=False");

    /// <summary>Replaces text of the same length inside the stored audit pages (strings are stored as UTF-8 bytes).</summary>
    private static async Task PatchAuditPagesAsync(WebFrontHost host, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        await using var connection = Open(host);
        await connection.OpenAsync();
        var rows = new List<(long N0, long N1, byte[] Payload)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT GrainIdN0, GrainIdN1, PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'audit-page'";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), (byte[])reader[2]));
            }
        }

        var needle = Encoding.UTF8.GetBytes(from);
        var patched = 0;
        foreach (var (n0, n1, payload) in rows)
        {
            for (var at = payload.AsSpan().IndexOf(needle); at >= 0; at = payload.AsSpan().IndexOf(needle))
            {
                Encoding.UTF8.GetBytes(to).CopyTo(payload, at);
                patched++;
            }

            await using var write = connection.CreateCommand();
            write.CommandText = "UPDATE OrleansStorage SET PayloadBinary = $p WHERE GrainTypeString = 'audit-page' AND GrainIdN0 = $n0 AND GrainIdN1 = $n1";
            write.Parameters.AddWithValue("$p", payload);
            write.Parameters.AddWithValue("$n0", n0);
            write.Parameters.AddWithValue("$n1", n1);
            await write.ExecuteNonQueryAsync();
        }

        Assert.True(patched > 0, $"'{from}' was not found in the stored audit pages");
    }

    /// <summary>Deletes the stored audit page whose payload holds <paramref name="containing"/>; returns the rows deleted.</summary>
    private static async Task<int> DeleteAuditPageAsync(WebFrontHost host, string containing)
    {
        await using var connection = Open(host);
        await connection.OpenAsync();
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM OrleansStorage WHERE GrainTypeString = 'audit-page' AND instr(PayloadBinary, $needle) > 0";
        delete.Parameters.AddWithValue("$needle", Encoding.UTF8.GetBytes(containing));
        return await delete.ExecuteNonQueryAsync();
    }
}
