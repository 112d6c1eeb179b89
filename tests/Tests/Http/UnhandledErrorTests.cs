using ApiSecurity.Grains.Apis;
using ApiSecurity.Tests.Infrastructure;
using ApiSecurity.WebFront.Rcms;
using ApiSecurity.WebFront.Rcms.Credentials;
using ApiSecurity.WebFront.Rcms.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>
/// An exception escaping an operation: /rcms-api answers it itself in the Kuroco envelope (503 for cluster
/// failures, 500 otherwise, never a stack trace), with the request id, and the next request is served.
/// </summary>
public sealed class UnhandledErrorTests : IAsyncLifetime
{
    private WebFrontHost _host = null!;

    public async Task InitializeAsync() =>
        // A document operation that fails: "unavailable" documents throw an Orleans failure, the others a plain bug.
        _host = await WebFrontHost.StartWithServicesAsync(services => services.AddSingleton<IRcmsOperation, FailingDocument>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AnExceptionInAnOperation_IsAnsweredInTheEnvelope_WithoutDetails_AndTheFrontKeepsServing()
    {
        var admin = new Admin(_host.CreateClient(admin: true));
        await admin.CreateApiAsync("failing");
        await admin.AddDocumentAsync("failing", "content/bug");
        await admin.AddDocumentAsync("failing", "content/unavailable");
        using var client = _host.CreateClient();

        var bug = await GetAsync(client, "/rcms-api/failing/content/bug");
        Assert.Equal(HttpStatusCode.InternalServerError, bug.Status);
        Assert.Equal("Internal error", bug.Body["errors"]![0]!["message"]!.GetValue<string>());
        Assert.DoesNotContain("a bug in an operation", bug.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(bug.Response.Headers.GetValues("x-rcms-request-id").Single()));

        var unavailable = await GetAsync(client, "/rcms-api/failing/content/unavailable");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.Equal("unavailable", unavailable.Body["errors"]![0]!["code"]!.GetValue<string>());

        // The front is unharmed: an unknown API still gets its 404 envelope.
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/rcms-api/no-such-api/x")).Status);
    }

    private sealed class FailingDocument : IRcmsOperation
    {
        public Operation Operation => Operation.DocumentGet;

        public Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller) =>
            request.Endpoint.Definition.Path.EndsWith("unavailable", StringComparison.Ordinal)
                ? throw new OrleansException("no silo answered")
                : throw new InvalidOperationException("a bug in an operation");
    }
}
