using System.Diagnostics;
using ApiSecurity.Tests.Infrastructure;
using Xunit.Abstractions;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Cluster;

/// <summary>
/// Member self-service on the cluster deployment (Redis, a silo, two web fronts as processes, e-mail
/// to a real SMTP server on loopback): a password reset by reminder, a password change and a
/// self-deletion made through one web front end the member's logins on the other within a second,
/// although that front remembers recent validations.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterSelfServiceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ResetChangeAndSelfDelete_ThroughOneFront_EndTheLoginsOnTheOtherWithinASecond()
    {
        await using var smtp = SmtpSink.Start();
        using var cluster = new ClusterProcesses();
        cluster.StartRedis();
        cluster.StartSilo(1);
        string[] mail = ["--Smtp:Host", "127.0.0.1", "--Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Smtp:From", "no-reply@example.com"];
        var (_, web1) = cluster.StartWebFront(1, mail);
        var (_, web2) = cluster.StartWebFront(2, mail);
        using var adminHttp = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web1 };
        adminHttp.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterProcesses.AdminToken);
        var admin = new Admin(adminHttp);
        using var front1 = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web1 };
        using var front2 = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = web2 };

        var cookieApi = await admin.CreateFullApiAsync("cookie");
        var dynamicApi = await admin.CreateFullApiAsync("dynamic_token");
        await admin.AddEndpointAsync(cookieApi, "POST", "reminder", "Authentication", "Login", "reminder");
        await admin.AddEndpointAsync(cookieApi, "POST", "reset_password", "Authentication", "Login", "reset_password");
        await admin.AddEndpointAsync(cookieApi, "POST", "member/delete", "Member", "Member", "delete");
        await Task.Delay(1500); // the configuration reaches web2 (its catalog poll)

        // Password reset by reminder through web1: every login on web2 ends.
        var (_, email, password) = await admin.RegisterMemberAsync();
        var (cookie2, _) = await LoginCookieAsync(front2, cookieApi, email, password);
        var (access2, _, _) = await LoginDynamicAsync(front2, dynamicApi, email, password);
        await WarmAsync(front2, cookieApi, dynamicApi, cookie2, access2);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(front1, $"/rcms-api/{cookieApi}/reminder", new { email })).Status);
        var message = await smtp.NextAsync(email);
        var reset = await PostAsync(front1, $"/rcms-api/{cookieApi}/reminder", new
        {
            token = MemberCodes.Field(message, "Reset token"),
            temp_pwd = MemberCodes.Field(message, "Temporary password"),
            login_pwd = "reset-by-mail-1",
        });
        var since = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        await AssertEndsWithinASecondAsync(since, "password reset: cookie login on web2", () => GetAsync(front2, $"/rcms-api/{cookieApi}/profile", cookie: cookie2));
        await AssertEndsWithinASecondAsync(since, "password reset: access token on web2", () => GetAsync(front2, $"/rcms-api/{dynamicApi}/profile", access2));

        // Password change through web1: the caller's cookie login goes on, on web2 too; the others end there.
        password = "reset-by-mail-1";
        var (caller, _) = await LoginCookieAsync(front1, cookieApi, email, password);
        var (other2, _) = await LoginCookieAsync(front2, cookieApi, email, password);
        (access2, _, _) = await LoginDynamicAsync(front2, dynamicApi, email, password);
        await WarmAsync(front2, cookieApi, dynamicApi, other2, access2);
        var change = await PostAsync(front1, $"/rcms-api/{cookieApi}/reset_password", new { current_password = password, new_password = "changed-pass-2" }, cookie: caller);
        since = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, change.Status);
        await AssertEndsWithinASecondAsync(since, "password change: other cookie login on web2", () => GetAsync(front2, $"/rcms-api/{cookieApi}/profile", cookie: other2));
        await AssertEndsWithinASecondAsync(since, "password change: access token on web2", () => GetAsync(front2, $"/rcms-api/{dynamicApi}/profile", access2));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(front2, $"/rcms-api/{cookieApi}/profile", cookie: caller)).Status);

        // Self-delete through web1: the caller's own login, used on web2, ends there too.
        (access2, _, _) = await LoginDynamicAsync(front2, dynamicApi, email, "changed-pass-2");
        await WarmAsync(front2, cookieApi, dynamicApi, caller, access2);
        var delete = await PostAsync(front1, $"/rcms-api/{cookieApi}/member/delete", new { current_password = "changed-pass-2" }, cookie: caller);
        since = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        await AssertEndsWithinASecondAsync(since, "self-delete: cookie login on web2", () => GetAsync(front2, $"/rcms-api/{cookieApi}/profile", cookie: caller));
        await AssertEndsWithinASecondAsync(since, "self-delete: access token on web2", () => GetAsync(front2, $"/rcms-api/{dynamicApi}/profile", access2));
    }

    /// <summary>Uses both logins on web2 twice, so that front remembers them as valid.</summary>
    private static async Task WarmAsync(HttpClient front2, string cookieApi, string dynamicApi, string cookie, string access)
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(front2, $"/rcms-api/{cookieApi}/profile", cookie: cookie)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(front2, $"/rcms-api/{dynamicApi}/profile", access)).Status);
        }
    }

    /// <summary>
    /// Asks web2 until it refuses the login; fails when a request sent a second or more after <paramref name="clock"/>
    /// started (at the change's answer) is still accepted. The time counted is when the request left, not when its
    /// answer came back: on a loaded machine serving one request may take a while, and that is not the guarantee.
    /// </summary>
    private async Task AssertEndsWithinASecondAsync(Stopwatch clock, string what, Func<Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)>> call)
    {
        while (true)
        {
            var sentAt = clock.Elapsed;
            if ((await call()).Status != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await call()).Status);
                output.WriteLine($"{what}: refused in a request sent {sentAt.TotalMilliseconds:F0} ms after the change was answered");
                return;
            }

            Assert.True(sentAt < TimeSpan.FromSeconds(1), $"{what}: still accepted in a request sent {sentAt.TotalMilliseconds:F0} ms after the change was answered");
            await Task.Delay(20);
        }
    }
}
