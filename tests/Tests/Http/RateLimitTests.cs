using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>Per-endpoint rate limits: 429 <c>rate_limited</c> and the <c>x-rcms-ratelimit-*</c> headers.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class RateLimitTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    [Fact]
    public async Task BeyondTheLimit_Answers429_WithHeaders_AndOtherEndpointsAreNotCounted()
    {
        var apiId = Admin.UniqueId("rl");
        await Admin.CreateApiAsync(apiId);
        await Admin.AddEndpointAsync(apiId, "GET", "limited", "Content", "Document", "get", new { document = new { a = 1 }, rate_limit = new { limit = 3, window = 3600 } });
        await Admin.AddDocumentAsync(apiId, "free");
        await WaitOutWindowEdgeAsync($"/rcms-api/{apiId}/limited");

        // WaitOutWindowEdgeAsync spent one request of the window.
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

    /// <summary>Makes one request; if the window is about to turn, waits for the next one and makes it again.</summary>
    private async Task WaitOutWindowEdgeAsync(string path)
    {
        var first = await GetAsync(fixture.Client, path);
        var reset = int.Parse(Header(first.Response, "x-rcms-ratelimit-reset")!, System.Globalization.CultureInfo.InvariantCulture);
        if (reset < 30)
        {
            await Task.Delay(TimeSpan.FromSeconds(reset + 1));
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(fixture.Client, path)).Status);
        }
    }
}
