namespace ApiSecurity.WebFront.Rcms.Credentials;

/// <summary>
/// Runs <see cref="RcmsAuthenticator.WarmUpAsync"/> once while the host starts, after the silo (or the cluster
/// client) and before Kestrel listens: without it the first dynamic token or cookie after a start also paid
/// for loading the token keys, the first MAC and the first session-grain activation and storage read, with
/// their JIT compilation (20-30 ms of the ~90 ms that first request took on a 2-core machine). Bounded in
/// time; a failure is logged and the host starts anyway, the first requests then paying that cost as before.
/// </summary>
public sealed partial class CredentialWarmUp(RcmsAuthenticator authenticator, ILogger<CredentialWarmUp> logger) : IHostedService
{
    /// <summary>The longest start-up waits for the warm-up.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await authenticator.WarmUpAsync().WaitAsync(Limit, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, error.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The credential warm-up did not finish ({Error}); the first tokens after this start may be slower")]
    private static partial void LogFailed(ILogger logger, string error);
}
