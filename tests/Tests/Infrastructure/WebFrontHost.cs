using System.Net.Sockets;
using ApiSecurity.WebFront;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>
/// A real WebFront (Kestrel on a loopback port, co-hosted silo, SQLite file in a temporary folder),
/// started in-process exactly as <c>dotnet run --project src/WebFront</c> would start it.
/// </summary>
public sealed class WebFrontHost : IAsyncDisposable
{
    public const string AdminTokenValue = "test-admin-token-0123456789abcdef";

    private WebApplication? _app;

    private Action<IServiceCollection>? _services;

    private WebFrontHost(string dataDirectory, IReadOnlyDictionary<string, string> settings, TimeProvider? time)
    {
        DataDirectory = dataDirectory;
        Settings = settings;
        Time = time;
    }

    public string DataDirectory { get; }

    public IReadOnlyDictionary<string, string> Settings { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The clock the web front and its silo read instead of the system's, when one was given.</summary>
    public TimeProvider? Time { get; }

    /// <summary>
    /// Starts a host; <paramref name="dataDirectory"/> defaults to a new temporary folder, <paramref name="time"/>
    /// (e.g. a <c>FakeTimeProvider</c>) replaces the system clock for the web front and its grains.
    /// </summary>
    public static async Task<WebFrontHost> StartAsync(string? dataDirectory = null, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null)
    {
        var host = new WebFrontHost(dataDirectory ?? NewDataDirectory(), settings ?? new Dictionary<string, string>(), time);
        await host.StartAsync();
        return host;
    }

    /// <summary>Starts a host whose services <paramref name="services"/> changes after the application's own registrations (a test double).</summary>
    public static async Task<WebFrontHost> StartWithServicesAsync(Action<IServiceCollection> services)
    {
        var host = new WebFrontHost(NewDataDirectory(), new Dictionary<string, string>(), null) { _services = services };
        await host.StartAsync();
        return host;
    }

    public static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "apisecurity-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the process-equivalent (silo and web server) and starts it again on the same data folder.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Stops, runs <paramref name="whileStopped"/> (e.g. editing the data folder as an intruder would), and starts again.</summary>
    public async Task RestartAsync(Func<Task> whileStopped)
    {
        await StopAsync();
        await whileStopped();
        await StartAsync();
    }

    public HttpClient CreateClient(bool admin = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (admin)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminTokenValue);
        }

        return client;
    }

    public T GetService<T>() where T : notnull => _app!.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartAsync()
    {
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            "--Storage:Directory", DataDirectory,
            "--Admin:Token", AdminTokenValue,
            "--Silo:Port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Silo:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
        };
        foreach (var (key, value) in Settings)
        {
            args.Add("--" + key);
            args.Add(value);
        }

        _app = WebFrontApplication.Create([.. args], services =>
        {
            if (Time is { } time)
            {
                services.AddSingleton(time);
            }

            _services?.Invoke(services);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
