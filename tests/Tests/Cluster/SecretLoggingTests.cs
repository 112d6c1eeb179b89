using System.Text.Json;
using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// Runs a real web front process with every category at Debug and JSON console logs with scopes, drives
/// every flow that issues or checks a secret, and then greps the whole log for each of them.
/// </summary>
public sealed class SecretLoggingTests
{
    [Fact]
    public async Task NoTokenOrPasswordIsEverLogged_AndLogsCarryTheRequestId()
    {
        using var processes = new ClusterProcesses();
        var (front, address) = processes.StartEmbeddedWebFront("logged",
            "--Logging:LogLevel:Default", "Debug",
            // The host defaults turn ASP.NET Core's per-request logs off; "every category" includes them.
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Debug",
            "--Logging:Console:FormatterName", "json",
            "--Logging:Console:FormatterOptions:IncludeScopes", "true");

        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
        var admin = new Admin(http);
        var secrets = new List<string> { ClusterProcesses.AdminToken };

        var dynamicApi = await admin.CreateFullApiAsync("dynamic_token", tokenSettings: new { rotate_refresh_token = true });
        var cookieApi = await admin.CreateFullApiAsync("cookie");
        var staticApi = await admin.CreateFullApiAsync("static_token");
        var (_, email, password) = await admin.RegisterMemberAsync(password: "a-password-that-must-not-leak");
        secrets.Add(password);

        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = address };
        var (access, refresh, grant) = await LoginDynamicAsync(client, dynamicApi, email, password);
        secrets.AddRange([access, refresh!, grant]);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{dynamicApi}/profile", access)).Status);
        var rotated = await PostAsync(client, $"/rcms-api/{dynamicApi}/token", new { grant_token = "", refresh_token = refresh });
        secrets.Add(rotated.Body["access_token"]!["value"]!.GetValue<string>());
        secrets.Add(rotated.Body["refresh_token"]!["value"]!.GetValue<string>());
        // Within the rotation leeway (a second tab) the same refresh token gets a second pair: its values must not leak either.
        var again = await PostAsync(client, $"/rcms-api/{dynamicApi}/token", new { grant_token = "", refresh_token = refresh });
        Assert.Equal(HttpStatusCode.OK, again.Status);
        secrets.Add(again.Body["access_token"]!["value"]!.GetValue<string>());
        secrets.Add(again.Body["refresh_token"]!["value"]!.GetValue<string>());
        var (second, secondRefresh, secondGrant) = await LoginDynamicAsync(client, dynamicApi, email, password);
        secrets.AddRange([second, secondRefresh!, secondGrant]);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/rcms-api/{dynamicApi}/logout", token: second)).Status);

        var (cookie, setCookies) = await LoginCookieAsync(client, cookieApi, email, password, loginSave: 1);
        secrets.AddRange(setCookies.Select(c => c.Split(';')[0].Split('=', 2)[1]).Where(v => v.Length > 0));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{cookieApi}/profile", cookie: cookie)).Status);

        var (_, staticToken) = await admin.IssueStaticTokenAsync(staticApi);
        secrets.Add(staticToken);
        await Task.Delay(500);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", staticToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, $"/rcms-api/{staticApi}/content/doc", staticToken + "x")).Status);

        const string wrongPassword = "a-wrong-password-that-must-not-leak";
        secrets.Add(wrongPassword);
        var refused = await PostAsync(client, $"/rcms-api/{dynamicApi}/login", new { email, password = wrongPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        var requestId = refused.Response.Headers.GetValues("x-rcms-request-id").Single();

        front.Stop(TimeSpan.FromSeconds(30));
        var log = await File.ReadAllTextAsync(Path.Combine(processes.WorkDirectory, "logged.log"));
        Assert.True(log.Length > 1000, "the web front logged almost nothing; is Debug logging on?");
        foreach (var secret in secrets.Distinct())
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..Math.Min(6, secret.Length)]}…) appears in the log");
            var secretPart = secret.Contains('.', StringComparison.Ordinal) ? secret[(secret.IndexOf('.', StringComparison.Ordinal) + 1)..] : secret;
            Assert.False(log.Contains(secretPart, StringComparison.Ordinal), "the secret part of a token appears in the log");
        }

        // Structured: the refused login's log entry carries the request id the client was given.
        var refusedEntry = log.Split('\n')
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .FirstOrDefault(e => e.GetProperty("Message").GetString()!.Contains("Login refused", StringComparison.Ordinal));
        Assert.NotEqual(JsonValueKind.Undefined, refusedEntry.ValueKind);
        Assert.Contains(refusedEntry.GetProperty("Scopes").EnumerateArray(),
            scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("RequestId", out var id) && id.GetString() == requestId);
    }
}
