using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// Per-endpoint rate limits: 429 <c>rate_limited</c> and the <c>x-rcms-ratelimit-*</c> headers. The web front reads a
/// fake clock, so a window never turns in the middle of a test, and a test turns it by moving the clock.
/// </summary>
[Collection(FakeTimeWebFrontCollection.Name)]
public sealed class RateLimitTests(FakeTimeWebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    [Fact]
    public async Task BeyondTheLimit_Answers429_WithHeaders_AndOtherEndpointsAreNotCounted()
    {
        var apiId = Admin.UniqueId("rl");
        await Admin.CreateApiAsync(apiId);
        await Admin.AddEndpointAsync(apiId, "GET", "limited", "Content", "Document", "get", new { document = new { a = 1 }, rate_limit = new { limit = 3, window = 3600 } });
        await Admin.AddDocumentAsync(apiId, "free");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/limited")).Status);

        var second = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/limited");
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("3", Header(second.Response, "x-rcms-ratelimit-limit"));
        Assert.Equal("1", Header(second.Response, "x-rcms-ratelimit-remaining"));
        Assert.Equal("0", Header((await GetAsync(fixture.Client, $"/rcms-api/{apiId}/limited")).Response, "x-rcms-ratelimit-remaining"));

        var refused = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/limited");
        Assert.Equal((HttpStatusCode)429, refused.Status);
        Assert.Equal("rate_limited", refused.Body["errors"]![0]!["code"]!.GetValue<string>());
        Assert.NotNull(refused.Body["messages"]);
        Assert.Equal("0", Header(refused.Response, "x-rcms-ratelimit-remaining"));
        var reset = int.Parse(Header(refused.Response, "x-rcms-ratelimit-reset")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reset, 1, 3600);
        Assert.Equal(reset.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Response.Headers.RetryAfter?.ToString());
        Assert.NotNull(Header(refused.Response, "x-rcms-request-id"));

        var free = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/free");
        Assert.Equal(HttpStatusCode.OK, free.Status);
        Assert.Null(Header(free.Response, "x-rcms-ratelimit-limit"));

        // Still refused a second before the window ends; a new window counts from zero.
        fixture.Time.Advance(TimeSpan.FromSeconds(reset - 1));
        Assert.Equal((HttpStatusCode)429, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/limited")).Status);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var next = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/limited");
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal("2", Header(next.Response, "x-rcms-ratelimit-remaining"));
        Assert.Equal("3600", Header(next.Response, "x-rcms-ratelimit-reset"));
    }

    [Theory]
    [InlineData("""{"limit":0}""", "settings.rate_limit.limit")]
    [InlineData("""{"limit":5,"window":7200}""", "settings.rate_limit.window")]
    [InlineData("""{"limit":5,"key":"member"}""", "settings.rate_limit.key")]
    [InlineData("\"fast\"", "settings.rate_limit")]
    public async Task InvalidRateLimitSettings_AreRefusedWithTheField(string rateLimit, string field)
    {
        var apiId = Admin.UniqueId("rl");
        await Admin.CreateApiAsync(apiId);
        using var response = await Admin.SendAsync(HttpMethod.Post, $"/admin/apis/{apiId}/endpoints",
            $$$"""{"method":"GET","path":"limited","category":"Content","model":"Document","operation":"get","settings":{"rate_limit":{{{rateLimit}}}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;
}
