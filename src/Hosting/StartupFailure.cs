using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Hosting;

/// <summary>
/// Runs a host and turns a start-up it cannot make into one readable line on standard error (<c>error: …</c>)
/// and exit code 2, instead of an unhandled exception's stack trace and an abort: a configuration refused
/// (every problem found), or a port another process already holds.
/// </summary>
public static class StartupFailure
{
    /// <summary>The exit code of a process whose configuration was refused or whose ports were taken.</summary>
    public const int ConfigurationExitCode = 2;

    /// <summary>Runs <paramref name="run"/>; answers 0, or <see cref="ConfigurationExitCode"/> after explaining why it could not start.</summary>
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
        catch (Exception exception) when (PortTaken(exception) is { } explanation)
        {
            Console.Error.WriteLine($"error: {explanation}");
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

    /// <summary>What to say when an address this process listens on is held by another process; null for anything else.</summary>
    private static string? PortTaken(Exception exception)
    {
        var (taken, holder) = FindAddressInUse(exception, null);
        if (taken is null)
        {
            return null;
        }

        // Kestrel says which address it could not bind ("Failed to bind to address http://…: address already in use.").
        if (holder is IOException { Message: var bind } && bind.StartsWith("Failed to bind to address", StringComparison.Ordinal))
        {
            return $"{bind.TrimEnd('.')}: another process (another copy of this one?) holds it; stop it or choose another address with --urls.";
        }

        // Orleans' exception does not say which of its two ports it was; its log line just above does
        // ("'SiloConnectionListener' failed to start" or "'GatewayConnectionListener' …").
        return exception.ToString().Contains("Orleans.", StringComparison.Ordinal)
            ? "a cluster port is already in use by another process (another copy of this one?): Silo:Port (11111 unless set) " +
              "or Silo:GatewayPort (30000 unless set), as the log line above says (SiloConnectionListener or GatewayConnectionListener); " +
              "stop the other process or choose free ports with --Silo:Port and --Silo:GatewayPort."
            : "an address this process listens on is already in use by another process (another copy of this one?); " +
              "stop it or choose other ports (--urls, --Silo:Port, --Silo:GatewayPort).";
    }

    private static (AddressInUseException? Taken, Exception? Holder) FindAddressInUse(Exception exception, Exception? holder)
    {
        if (exception is AddressInUseException taken)
        {
            return (taken, holder);
        }

        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions)
            {
                if (FindAddressInUse(inner, aggregate) is { Taken: not null } found)
                {
                    return found;
                }
            }

            return (null, null);
        }

        return exception.InnerException is { } next ? FindAddressInUse(next, exception) : (null, null);
    }
}
