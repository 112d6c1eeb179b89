using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace ApiSecurity.WebFront.Admin;

/// <summary>Marks an admin request type whose fields are all optional, so an empty body reads as <c>{}</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class EmptyBodyAllowedAttribute : Attribute;

/// <summary>What <see cref="AdminBody{T}"/> exposes to <see cref="AdminBody.Filter"/>.</summary>
public interface IAdminBody
{
    /// <summary>The problem to answer instead of running the handler; null when the body was read.</summary>
    ProblemHttpResult? Problem { get; }
}

/// <summary>
/// A typed admin request body, bound by the framework through the one bounded JSON reader
/// (<see cref="AdminHttp.ReadAsync{T}"/>: size limit, depth limit, invalid Unicode refused with its path, wrong
/// types named with theirs). A body that cannot be read never reaches the handler: <see cref="AdminBody.Filter"/>
/// answers its problem. The type is declared as the route's JSON request body, so the OpenAPI document shows its schema.
/// </summary>
public sealed class AdminBody<T> : IAdminBody, IEndpointParameterMetadataProvider
    where T : class
{
    private static readonly bool EmptyAllowed = typeof(T).IsDefined(typeof(EmptyBodyAllowedAttribute), inherit: false);

    private readonly T? _value;

    private AdminBody(T? value, ProblemHttpResult? problem)
    {
        _value = value;
        Problem = problem;
    }

    /// <summary>The request.</summary>
    public T Value => _value ?? throw new InvalidOperationException("The body was not read; AdminBody.Filter answers its problem.");

    /// <inheritdoc/>
    public ProblemHttpResult? Problem { get; }

    /// <summary>Reads the body (called by the framework).</summary>
    public static async ValueTask<AdminBody<T>> BindAsync(HttpContext context)
    {
        var (value, problem) = await AdminHttp.ReadAsync<T>(context.Request, EmptyAllowed);
        return new AdminBody<T>(value, problem);
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(T), isOptional: EmptyAllowed));
}

/// <summary>Answers a body that could not be read before the handler runs.</summary>
public static class AdminBody
{
    /// <summary>The endpoint filter: the first unread body's problem, or the handler.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is IAdminBody { Problem: { } problem })
            {
                return problem;
            }
        }

        return await next(context);
    }
}
