using ApiSecurity.Tests.Infrastructure;
using ApiSecurity.WebFront.Rcms.Credentials;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Parallel requests of one session cost the session grain one check per <c>Security:SessionCache:Duration</c>
/// (0.5 s, the default): the first request in the remembered answer's last fifth has the grain confirm it in
/// the background, so when the first answer ends a renewed one is already there, instead of every request
/// in flight asking the grain at once; and a session's first parallel requests share one grain call. On the web
/// front with a fake clock, so the steps do not depend on how busy the machine is.
/// </summary>
[Collection(FakeTimeWebFrontCollection.Name)]
public sealed class SessionCacheRenewalTests(FakeTimeWebFrontFixture fixture)
{
    private const int Parallel = 32;

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task ParallelRequests_OfOneSession_AskTheGrainOnce_BeforeTheAnswerEnds(string mode)
    {
        var (apiId, token, cookie) = await LoggedInAsync(mode);
        var path = $"/rcms-api/{apiId}/content/doc";
        var cache = fixture.Host.GetService<SessionValidationCache>();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fixture.Client, path, token, cookie)).Status); // asked and remembered
        var checks = cache.RememberedTotal;

        // Within the first four fifths of the answer's 0.5 s: answered from memory.
        await BurstAsync(path, token, cookie);
        Assert.Equal(checks, cache.RememberedTotal);

        // In the last fifth: one of the parallel requests has the grain confirm the session, in the background.
        fixture.Time.Advance(TimeSpan.FromMilliseconds(450));
        await BurstAsync(path, token, cookie);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (cache.RememberedTotal == checks && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(checks + 1, cache.RememberedTotal);

        // Past the first answer's end: the renewed answer serves every request; none asks the grain.
        fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        await BurstAsync(path, token, cookie);
        Assert.Equal(checks + 1, cache.RememberedTotal);
    }

    [Theory]
    [InlineData("dynamic_token")]
    [InlineData("cookie")]
    public async Task TheFirstParallelRequests_OfASession_ShareOneGrainCall(string mode)
    {
        var (apiId, token, cookie) = await LoggedInAsync(mode);
        var cache = fixture.Host.GetService<SessionValidationCache>();
        await BurstAsync($"/rcms-api/{apiId}/no-such-path", null, null, HttpStatusCode.NotFound); // connections open, so the burst below arrives at once
        var checks = cache.RememberedTotal;

        // A page's first requests, all at once, before this front has seen the session: one asks the grain, the others
        // wait for its answer (one more is possible for a request that missed just as the first answer was stored).
        await BurstAsync($"/rcms-api/{apiId}/content/doc", token, cookie);

        Assert.InRange(cache.RememberedTotal - checks, 1, 2);
    }

    /// <summary>A new API of the mode and a member logged in to it: its access token or its session cookie.</summary>
    private async Task<(string ApiId, string? Token, string? Cookie)> LoggedInAsync(string mode)
    {
        var apiId = await fixture.Admin.CreateFullApiAsync(mode);
        var member = await fixture.Admin.RegisterMemberAsync();
        return mode == "cookie"
            ? (apiId, null, (await LoginCookieAsync(fixture.Client, apiId, member.Email, member.Password)).Cookie)
            : (apiId, (await LoginDynamicAsync(fixture.Client, apiId, member.Email, member.Password)).Access, null);
    }

    private async Task BurstAsync(string path, string? token, string? cookie, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(async _ =>
        {
            var (status, _, response) = await GetAsync(fixture.Client, path, token, cookie);
            response.Dispose();
            return status;
        }));
        Assert.All(statuses, status => Assert.Equal(expected, status));
    }
}
