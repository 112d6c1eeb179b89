using ApiSecurity.Tests.Infrastructure;
using ApiSecurity.WebFront.Admin;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Refused admin calls without a credential cannot grow the audit trail without bound, and a client's raw
/// path cannot forge the text of an entry. Its own web front (as shipped), since the budget is per process.
/// </summary>
public sealed class AdminAuditBudgetTests : IAsyncLifetime
{
    private WebFrontHost _host = null!;
    private Admin _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await WebFrontHost.StartAsync();
        _admin = new Admin(_host.CreateClient(admin: true));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AnonymousFlood_IsRecordedOnlyUpToTheClientsBudget_WhileOtherClientsAndAdministratorsStillAre()
    {
        // Given a client without a credential sending many refused changes
        using var flooder = LoopbackClient.From(_host.BaseAddress, "127.0.0.9");
        const int sent = AdminAuditMiddleware.AnonymousEntriesPerClientPerMinute + 25;
        for (var i = 0; i < sent; i++)
        {
            using var refused = await flooder.PostAsync($"/admin/members/{i + 1}/unlock", null);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // When another client is refused too, and an administrator makes a change
        using var other = LoopbackClient.From(_host.BaseAddress, "127.0.0.10");
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.DeleteAsync("/admin/apis/someone-else")).StatusCode);
        await _admin.CreateApiAsync(Admin.UniqueId("after-flood"), "After the flood");

        // Then the flooder has exactly its budget of entries; the other client and the change are recorded
        var entries = (await _admin.OkJsonAsync(HttpMethod.Get, "/admin/audit?limit=500"))["entries"]!.AsArray();
        Assert.Equal(AdminAuditMiddleware.AnonymousEntriesPerClientPerMinute, entries.Count(e => e!["client_ip"]!.GetValue<string>() == "127.0.0.9"));
        Assert.Contains(entries, e => e!["client_ip"]!.GetValue<string>() == "127.0.0.10" && e["outcome"]!.GetValue<int>() == 401);
        Assert.Contains(entries, e => e!["admin"]!.GetValue<string>() == "bootstrap" && e["action"]!.GetValue<string>() == "PUT /admin/apis/{apiId}");
        Assert.True((await _admin.OkJsonAsync(HttpMethod.Get, "/admin/audit/verify"))["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task APathThatMatchesNoRoute_IsNamedByItsMethod_AndItsControlCharactersAreNotStored()
    {
        // Given a request whose path carries a line break and a fake log line
        using var client = LoopbackClient.From(_host.BaseAddress, "127.0.0.11");
        using var refused = await client.PostAsync("/admin/x%0Ainfo:%20ApiSecurity.Audit%5B9000%5D%20forged", null);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        // Then its entry names the method and "(no route)", and keeps the path only as printable text
        var entries = (await _admin.OkJsonAsync(HttpMethod.Get, "/admin/audit?limit=500"))["entries"]!.AsArray();
        var entry = Assert.Single(entries, e => e!["client_ip"]!.GetValue<string>() == "127.0.0.11");
        Assert.Equal("POST (no route)", entry!["action"]!.GetValue<string>());
        var path = entry["target"]!["path"]!.GetValue<string>();
        Assert.StartsWith("/admin/x?info: ApiSecurity.Audit[9000] forged", path, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', path);
    }
}
