using System.Text.RegularExpressions;
using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>OpenTelemetry metrics in Prometheus text format at <c>/metrics</c>.</summary>
[Collection(WebFrontCollection.Name)]
public sealed class MetricsTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    [Fact]
    public async Task Metrics_CountRequestsByApiModeAndOutcome_LoginsAndTokens_WithoutSecrets()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        var (_, email, password) = await Admin.RegisterMemberAsync();
        var (access, refresh, grant) = await LoginDynamicAsync(fixture.Client, apiId, email, password);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc", access)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(fixture.Client, $"/rcms-api/{apiId}/login", new { email, password = "wrong-password" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(fixture.Client, $"/rcms-api/no-such-api-{Guid.NewGuid():N}/x")).Status);

        string text = string.Empty;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            using var anonymous = fixture.Host.CreateClient();
            text = await anonymous.GetStringAsync("/metrics");
            if (Count(text, "apisecurity_requests_total", $"api_id=\"{apiId}\"", "outcome=\"unauthorized\"") >= 1)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(Count(text, "apisecurity_requests_total", $"api_id=\"{apiId}\"", "mode=\"dynamic_token\"", "outcome=\"ok\"") >= 3, text);
        Assert.True(Count(text, "apisecurity_requests_total", $"api_id=\"{apiId}\"", "outcome=\"unauthorized\"") >= 2);
        Assert.True(Count(text, "apisecurity_requests_total", "api_id=\"(unknown)\"", "outcome=\"not_found\"") >= 1);
        Assert.True(Count(text, "apisecurity_logins_total", "outcome=\"ok\"") >= 1);
        Assert.True(Count(text, "apisecurity_logins_total", "outcome=\"invalid_credentials\"") >= 1);
        Assert.True(Count(text, "apisecurity_tokens_issued_total", "kind=\"access\"") >= 1);
        Assert.True(Count(text, "apisecurity_tokens_issued_total", "kind=\"grant\"") >= 1);
        Assert.True(Count(text, "apisecurity_validation_duration_seconds_bucket", "mode=\"dynamic_token\"", "le=\"+Inf\"") >= 1);
        Assert.Contains(text.Split('\n'), line => line.StartsWith("apisecurity_validation_duration_seconds_bucket{", StringComparison.Ordinal) && line.Contains("le=\"0.001\"", StringComparison.Ordinal));
        Assert.DoesNotContain("no-such-api-", text, StringComparison.Ordinal);
        foreach (var secret in new[] { access, refresh!, grant, password })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    /// <summary>The value of the first sample of <paramref name="metric"/> whose labels contain all of <paramref name="labels"/>, or 0.</summary>
    private static double Count(string text, string metric, params string[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                var match = Regex.Match(line, @"\}\s+([0-9.eE+-]+)");
                return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            }
        }

        return 0;
    }
}
