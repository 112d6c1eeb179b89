using ApiSecurity.Tests.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// A session in steady use from many parallel requests costs the session grain about one check per
/// <c>Security:SessionCache:Duration</c>: one request renews the remembered answer shortly before it ends,
/// instead of every request that arrives between its end and the grain's answer asking the grain too.
/// The duration is set to 2 s (default 0.5 s) so that a busy test machine still sends requests inside each
/// renewal window; everything else is the web front as a user starts it.
/// </summary>
public sealed class SessionCacheRenewalTests : IAsyncLifetime
{
    private static readonly TimeSpan Load = TimeSpan.FromSeconds(5);
    private const int Parallel = 32;

    private WebFrontHost _host = null!;
    private Admin _admin = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await WebFrontHost.StartAsync(settings: new Dictionary<string, string> { ["Security:SessionCache:Duration"] = "00:00:02" });
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
    public async Task ParallelRequests_OfOneSession_AskTheGrainAboutOncePerDuration()
    {
        var dynamicApi = await _admin.CreateFullApiAsync("dynamic_token");
        var cookieApi = await _admin.CreateFullApiAsync("cookie");
        var member = await _admin.RegisterMemberAsync();
        var (access, _, _) = await LoginDynamicAsync(_client, dynamicApi, member.Email, member.Password);
        var (cookie, _) = await LoginCookieAsync(_client, cookieApi, member.Email, member.Password);
        var cache = _host.GetService<SessionValidationCache>();

        foreach (var (path, token, sessionCookie) in new[]
                 {
                     ($"/rcms-api/{dynamicApi}/content/doc", access, (string?)null),
                     ($"/rcms-api/{cookieApi}/content/doc", (string?)null, cookie),
                 })
        {
            // One request first, as a page makes before its parallel ones: the front now remembers the session.
            var (first, _, firstResponse) = await GetAsync(_client, path, token, sessionCookie);
            firstResponse.Dispose();
            Assert.Equal(HttpStatusCode.OK, first);
            var rememberedBefore = cache.RememberedTotal;
            var until = DateTime.UtcNow + Load;
            var answers = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(async _ =>
            {
                var (ok, other) = (0, 0);
                while (DateTime.UtcNow < until)
                {
                    var (status, _, response) = await GetAsync(_client, path, token, sessionCookie);
                    response.Dispose();
                    (ok, other) = status == HttpStatusCode.OK ? (ok + 1, other) : (ok, other + 1);
                }

                return (ok, other);
            }));

            // Every request passed, and the grain was asked about once per 2 s (renewed at 1.6 s): 5 s → 3 checks.
            // Without renewal every request in flight when an answer ended asked the grain: 20 and more here.
            Assert.Equal(0, answers.Sum(a => a.other));
            Assert.True(answers.Sum(a => a.ok) > 4 * Parallel, $"{answers.Sum(a => a.ok)} requests in {Load}");
            var checks = cache.RememberedTotal - rememberedBefore;
            Assert.InRange(checks, 1, 8);
        }
    }
}
