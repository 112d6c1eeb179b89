using Microsoft.Playwright;

namespace ApiSecurity.Tests.Browser;

/// <summary>Debian's Chromium (installed by <c>.ci/run</c>) launched headless through Playwright.</summary>
public static class Chromium
{
    private static readonly string[] BaseArgs = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"];

    /// <summary>Launches a headless browser.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => LaunchAsync(playwright, []);

    /// <summary>Launches a headless browser with extra command-line switches (host-resolver rules, trusted keys…).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, IEnumerable<string> extraArgs) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Find(),
        Headless = true,
        Args = [.. BaseArgs, .. extraArgs],
    });

    /// <summary>
    /// Launches a headless browser on a persistent profile in <paramref name="userDataDirectory"/> whose
    /// settings allow third-party cookies (Settings → Privacy → "Allow third-party cookies"). Chromium's own
    /// default, and every context <see cref="LaunchAsync(IPlaywright)"/> opens, blocks them.
    /// </summary>
    public static async Task<IBrowserContext> LaunchAllowingThirdPartyCookiesAsync(IPlaywright playwright, string userDataDirectory, IEnumerable<string> extraArgs)
    {
        var profile = Path.Combine(userDataDirectory, "Default");
        Directory.CreateDirectory(profile);
        // cookie_controls_mode 0 is "allow third-party cookies"; block_third_party_cookies is its older name.
        await File.WriteAllTextAsync(Path.Combine(profile, "Preferences"),
            """{"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}}""");
        return await playwright.Chromium.LaunchPersistentContextAsync(userDataDirectory, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Find(),
            Headless = true,
            Args = [.. BaseArgs, .. extraArgs],
        });
    }

    private static string Find()
    {
        foreach (var candidate in new[] { "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Chromium is not installed: apt-get install chromium (.ci/run installs it)");
    }
}
