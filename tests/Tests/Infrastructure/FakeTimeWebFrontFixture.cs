using Microsoft.Extensions.Time.Testing;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>
/// A real web front (Kestrel, co-hosted silo, SQLite) whose front and grains read a <see cref="FakeTimeProvider"/>,
/// for expiry and idle timeouts over HTTP without sleeping: a test moves <see cref="Time"/> past the deadline.
/// The clock starts at the real time, so values derived from it look as they would in production.
/// </summary>
public sealed class FakeTimeWebFrontFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public WebFrontHost Host { get; private set; } = null!;

    public Admin Admin { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await WebFrontHost.StartAsync(time: Time);
        Admin = new Admin(Host.CreateClient(admin: true));
        Client = Host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class FakeTimeWebFrontCollection : ICollectionFixture<FakeTimeWebFrontFixture>
{
    public const string Name = "web front with fake time";
}
