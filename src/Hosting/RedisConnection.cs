using StackExchange.Redis;

namespace ApiSecurity.Hosting;

/// <summary>Parses <c>Cluster:Redis</c>; each provider gets its own options object.</summary>
public static class RedisConnection
{
    /// <summary>Parses a StackExchange.Redis connection string, failing start-up with a clear message when it is malformed.</summary>
    public static ConfigurationOptions Parse(string connectionString)
    {
        try
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            return options;
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Cluster:Redis is not a valid Redis connection string: {ex.Message}", ex);
        }
    }
}
