using System.Reflection;
using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Rcms;
using ApiSecurity.WebFront.Rcms.Credentials;
using ApiSecurity.WebFront.Rcms.Pipeline;
using Microsoft.AspNetCore.Http;

namespace ApiSecurity.Tests.Domain;

/// <summary>
/// The pipeline hands a finished exchange to the next request on the same thread: clearing it must leave
/// nothing of the request it served (above all not its caller), and the operation's view of the endpoint
/// is made once with the API.
/// </summary>
public sealed class RcmsExchangeTests
{
    private static CompiledApi Api() => CompiledApi.Compile(new ApiSnapshot(
        "api", "api", true, SecurityMode.DynamicToken, [], CorsSettings.Empty,
        [new EndpointDefinition(1, "GET", "content", Operation.DocumentGet, "{}")], [], 1, "scope", 0));

    [Fact]
    public void Clear_ForgetsEverythingTheRequestLearned()
    {
        var api = Api();
        var exchange = new RcmsExchange(new DefaultHttpContext())
        {
            EndpointPathText = "content".AsMemory(),
            Api = api,
            Endpoint = api.Endpoints["content"]["GET"],
            IsPreflight = true,
            Authentication = RcmsAuthentication.Success(new RcmsCaller(7, "login", null)),
        };
        Assert.Equal("content", exchange.EndpointPath);

        exchange.Clear();

        foreach (var property in typeof(RcmsExchange).GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            var value = property.GetValue(exchange);
            var empty = property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null;
            Assert.True(Equals(value, empty) || (property.Name == nameof(RcmsExchange.EndpointPath) && Equals(value, string.Empty)),
                $"{property.Name} kept {value} after Clear");
        }

        Assert.Null(exchange.Authentication.Caller);
    }

    [Fact]
    public void EverythingARequestLearns_IsInTheOneStateThatClearResets()
    {
        // A field declared beside the state would survive Clear and reach the next request on the thread.
        var fields = typeof(RcmsExchange).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

        var only = Assert.Single(fields);
        Assert.True(only.FieldType.IsValueType);
    }

    [Fact]
    public void Endpoint_HandsItsOperation_ItselfAndItsApi_MadeOnce()
    {
        var api = Api();
        var endpoint = api.Endpoints["content"]["GET"];

        Assert.Same(api, endpoint.Request.Api);
        Assert.Same(endpoint, endpoint.Request.Endpoint);
    }
}
