using Microsoft.Extensions.Options;

namespace ApiSecurity.Hosting;

/// <summary>
/// Runs a host and turns a configuration refused at start-up into one readable line on standard error
/// (<c>error: …</c>, every problem found) and exit code 2, instead of an unhandled exception's stack trace.
/// </summary>
public static class StartupFailure
{
    /// <summary>The exit code of a process whose configuration was refused.</summary>
    public const int ConfigurationExitCode = 2;

    /// <summary>Runs <paramref name="run"/>; answers 0, or <see cref="ConfigurationExitCode"/> after explaining a refused setting.</summary>
    public static int Explain(Action run)
    {
        try
        {
            run();
            return 0;
        }
        catch (Exception exception) when (Refusals(exception) is { Count: > 0 } failures)
        {
            Console.Error.WriteLine($"error: invalid configuration: {string.Join(" ", failures)}");
            return ConfigurationExitCode;
        }
    }

    /// <summary>The failures of a refused configuration (one exception, or several gathered by the host); empty for anything else.</summary>
    private static List<string> Refusals(Exception exception) => exception switch
    {
        OptionsValidationException refused => [.. refused.Failures],
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException)
            => [.. inner.SelectMany(e => ((OptionsValidationException)e).Failures)],
        _ => [],
    };
}
