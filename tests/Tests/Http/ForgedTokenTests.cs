using System.Buffers.Text;
using System.Security.Cryptography;
using ApiSecurity.Grains.Sessions;
using ApiSecurity.Tests.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Tokens and cookies this cluster did not issue die at the web front: 401, no member-session grain
/// activated, nothing remembered. Against a web front started with no settings at all, as a user starts it.
/// </summary>
public sealed class ForgedTokenTests : IAsyncLifetime
{
    private const int RequestsPerKind = 300;

    private WebFrontHost _host = null!;
    private Admin _admin = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await WebFrontHost.StartAsync();
        _admin = new Admin(_host.CreateClient(admin: true));
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _admin.Http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ForgedTokens_AreRefused_WithoutActivatingAnySessionGrain()
    {
        // Given a dynamic-token API and a cookie API, and a real login (so the count below is known to see session grains)
        var dynamicApi = await _admin.CreateFullApiAsync("dynamic_token", tokenSettings: new { rotate_refresh_token = true });
        var cookieApi = await _admin.CreateFullApiAsync("cookie");
        var member = await _admin.RegisterMemberAsync();
        var (access, _, _) = await LoginDynamicAsync(_client, dynamicApi, member.Email, member.Password);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_client, $"/rcms-api/{dynamicApi}/profile", token: access)).Status);
        var activationsBefore = await SessionActivationsAsync();
        Assert.True(activationsBefore >= 1, "a real login activates its member's session grain");
        var cache = _host.GetService<SessionValidationCache>();
        var rememberedBefore = cache.RememberedTotal;
        // Forged ids include the real member's: knowing a member id is not enough to reach its grain.
        long[] realIds = [member.Id];

        // When forged, well-formed tokens arrive on every path that reads a token from a client
        var requests = new List<Func<Task<HttpStatusCode>>>();
        for (var i = 0; i < RequestsPerKind; i++)
        {
            var id = i % 10 == 0 ? realIds[0] : 0;
            requests.Add(async () => (await GetAsync(_client, $"/rcms-api/{dynamicApi}/content/doc", token: Forge(id))).Status);
            requests.Add(async () => (await GetAsync(_client, $"/rcms-api/{cookieApi}/content/doc",
                cookie: $"{SessionCookies.AccessName}={Forge(id)}; {SessionCookies.RefreshName}={Forge(id)}")).Status);
            requests.Add(async () => (await GetAsync(_client, $"/rcms-api/{cookieApi}/content/doc",
                cookie: $"{SessionCookies.RefreshName}={Forge(id)}")).Status);
            requests.Add(async () => (await PostAsync(_client, $"/rcms-api/{dynamicApi}/token", new { grant_token = Forge(id) })).Status);
            requests.Add(async () => (await PostAsync(_client, $"/rcms-api/{dynamicApi}/token", new { grant_token = "", refresh_token = Forge(id) })).Status);
            requests.Add(async () => (await PostAsync(_client, $"/rcms-api/{dynamicApi}/logout", new { }, token: Forge(id))).Status);
            requests.Add(async () => (await PostAsync(_client, $"/rcms-api/{cookieApi}/logout", new { },
                cookie: $"{SessionCookies.AccessName}={Forge(id)}")).Status);
        }

        var statuses = new List<HttpStatusCode>();
        foreach (var batch in requests.Chunk(32))
        {
            statuses.AddRange(await Task.WhenAll(batch.Select(send => send())));
        }

        // Then every one is refused, no session grain was activated for them, and the front remembers nothing
        Assert.Equal(requests.Count, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(activationsBefore, await SessionActivationsAsync());
        Assert.Equal(rememberedBefore, cache.RememberedTotal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_client, $"/rcms-api/{dynamicApi}/profile", token: access)).Status);
    }

    [Fact]
    public async Task RealToken_WithItsMacAltered_IsRefused()
    {
        // Given a real access token
        var api = await _admin.CreateFullApiAsync("dynamic_token");
        var member = await _admin.RegisterMemberAsync();
        var (access, _, _) = await LoginDynamicAsync(_client, api, member.Email, member.Password);

        // When one character of its tag changes
        var altered = access[..^3] + (access[^3] == 'A' ? 'B' : 'A') + access[^2..];

        // Then it is refused, while the original still works
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(_client, $"/rcms-api/{api}/profile", token: altered)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_client, $"/rcms-api/{api}/profile", token: access)).Status);
    }

    [Fact]
    public async Task RepeatedRefreshes_OfOneToken_KeepTheMembersStoredStateSmall()
    {
        // Given a login on a dynamic API with the default (non-rotating) refresh tokens
        var api = await _admin.CreateFullApiAsync("dynamic_token");
        var member = await _admin.RegisterMemberAsync();
        var (_, refresh, _) = await LoginDynamicAsync(_client, api, member.Email, member.Password);

        // When the client refreshes with the same token 500 times
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(_client, $"/rcms-api/{api}/token", new { grant_token = "", refresh_token = refresh })).Status);
        }

        // Then the stored session state holds the last 10 access tokens, not 500 (it was ~113 bytes per token before the bound)
        Assert.InRange(await LargestStoredSessionStateAsync(), 1, 4 * 1024);
    }

    /// <summary>A token of the right shape and length (member id, 256-bit secret, key id and 128-bit tag) but no valid MAC.</summary>
    private static string Forge(long memberId)
    {
        var id = memberId > 0 ? memberId : RandomNumberGenerator.GetInt32(1, int.MaxValue);
        return $"{id}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(17))}";
    }

    private async Task<long> LargestStoredSessionStateAsync()
    {
        var file = Path.Combine(_host.DataDirectory, ApiSecurity.Hosting.Storage.SqliteGrainStorage.FileName);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(LENGTH(PayloadBinary)) FROM OrleansStorage WHERE GrainTypeString = 'member-session'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<int> SessionActivationsAsync()
    {
        var management = _host.GetService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        // Member 0's grain is the start-up warm-up's (no member has id 0): idle since the start, it may be
        // collected between two counts.
        return statistics.Count(s => s.GrainId.Type.ToString() == MemberSessionGrain.GrainTypeName && s.GrainId.Key.ToString() != "0");
    }
}
