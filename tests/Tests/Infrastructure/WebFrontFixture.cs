namespace ApiSecurity.Tests.Infrastructure;

/// <summary>One WebFront shared by a test collection; each test creates its own APIs and members.</summary>
public sealed class WebFrontFixture : IAsyncLifetime
{
    public WebFrontHost Host { get; private set; } = null!;

    public Admin Admin { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Exactly as shipped: a setting that changes security behaviour belongs only in a test about that setting.
        Host = await WebFrontHost.StartAsync();
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
public sealed class WebFrontCollection : ICollectionFixture<WebFrontFixture>
{
    public const string Name = "web front";
}
