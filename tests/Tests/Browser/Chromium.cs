using Microsoft.Playwright;

namespace ApiSecurity.Tests.Browser;

/// <summary>Debian's Chromium (installed by <c>.ci/run</c>) launched headless through Playwright.</summary>
public static class Chromium
{
    /// <summary>Launches a headless browser.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Find(),
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });

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
