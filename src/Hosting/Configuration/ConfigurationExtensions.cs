using Microsoft.Extensions.Configuration;

namespace ApiSecurity.Hosting.Configuration;

/// <summary>Binding of this product's settings sections.</summary>
public static class ConfigurationExtensions
{
    /// <summary>Binds <paramref name="section"/> to a new <typeparamref name="T"/>, with defaults when the section is absent.</summary>
    public static T GetSettings<T>(this IConfiguration configuration, string section)
        where T : new() => configuration.GetSection(section).Get<T>() ?? new T();
}
