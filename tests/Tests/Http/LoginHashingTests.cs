using ApiSecurity.Grains.Members;
using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>Password hashing in the web front as a user starts it: off Orleans' scheduler, the same work for every outcome.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class LoginHashingTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task RegistrationAndEveryLoginOutcome_HashOffTheOrleansScheduler_OncePerRequest()
    {
        // Given the embedded web front with its co-hosted silo
        var pool = fixture.Host.GetService<PasswordWork>();
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var before = pool.Runs;

        // When a member registers and logs in with a right, a wrong and an unknown email
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var ok = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password });
        var wrong = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "wrong-password" });
        var unknown = await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email = "nobody-" + email, password });

        // Then each did exactly one hash, none of them inside a grain turn
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(wrong.Body.ToJsonString(), unknown.Body.ToJsonString());
        Assert.Equal(before + 4, pool.Runs);
        Assert.Equal(0, pool.RunsOnOtherSchedulers);
    }

    [Fact]
    public async Task ConcurrentWrongPasswords_OverHttp_AllCount_AndLockTheMember()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (memberId, email, password) = await Admin.RegisterMemberAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 5)
            .Select(_ => PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password = "bad-password" })));

        Assert.All(attempts, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Client, $"/rcms-api/{apiId}/login", new { email, password })).Status);
        var member = await Admin.OkJsonAsync(HttpMethod.Get, $"/admin/members/{memberId}");
        Assert.True(member["locked"]!.GetValue<bool>());
    }
}

/// <summary>A host whose hashing pool takes one hash and queues none: the refusal a flood meets past the bound.</summary>
public sealed class LoginHashingQueueTests : IAsyncLifetime
{
    private WebFrontHost _host = null!;

    public async Task InitializeAsync() => _host = await WebFrontHost.StartAsync(settings: new Dictionary<string, string>
    {
        ["Security:PasswordHashing:MaxConcurrency"] = "1",
        ["Security:PasswordHashing:MaxQueueLength"] = "0",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task LoginsBeyondTheHashingQueue_Answer503WithRetryAfter_WhileOthersAreChecked()
    {
        // Given a dynamic-token API
        var admin = new Admin(_host.CreateClient(admin: true));
        var apiId = await admin.CreateFullApiAsync("dynamic_token");
        using var client = _host.CreateClient();

        // When more logins for different emails arrive at once than the pool runs and queues
        // (attempts on one member wait for each other in its grain, so they would not fill the pool)
        var attempts = await Task.WhenAll(Enumerable.Range(0, 24)
            .Select(_ => PostAsync(client, $"/rcms-api/{apiId}/login", new { email = Admin.UniqueEmail(), password = "some-password" })));

        // Then the excess is refused as unavailable (never a 500), and the admitted ones are checked
        Assert.All(attempts, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(attempts, a => a.Status == HttpStatusCode.Unauthorized);
        var refused = attempts.First(a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unavailable", Code(refused.Body));
        Assert.Equal("1", refused.Response.Headers.GetValues("Retry-After").Single());
    }
}
