using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ApiSecurity.WebFront.Admin;

/// <summary>The OpenAPI document of the admin API at <c>/openapi/v1.json</c>, with both credential schemes.</summary>
public static class AdminOpenApi
{
    /// <summary>The admin bearer token scheme.</summary>
    public const string AdminScheme = "admin_token";

    /// <summary>The <c>/rcms-api</c> access-token header scheme (static and dynamic tokens).</summary>
    public const string AccessTokenScheme = "rcms_access_token";

    /// <summary>Registers the document: admin routes only, described with their security schemes.</summary>
    public static IServiceCollection AddAdminOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("admin", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "API security: admin API",
                    Version = "v1",
                    Description = "Configures per-API security (mode, IP allow-list, CORS, endpoints, static tokens) and members. "
                        + "Bodies and responses are snake_case JSON; errors are RFC 9457 problem details. "
                        + "Secured APIs are served under /rcms-api/{apiId}/… and take the X-RCMS-API-ACCESS-TOKEN header or the session cookie.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[AdminScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The admin token (Admin:Token, or the one generated on first start in {Storage:Directory}/admin-token).",
                };
                document.Components.SecuritySchemes[AccessTokenScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "X-RCMS-API-ACCESS-TOKEN",
                    Description = "Static token (static_token mode) or dynamic access token from /rcms-api/{apiId}/token (dynamic_token mode).",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AdminScheme, document)] = [] }];
                return Task.CompletedTask;
            });
        });
}
