using System.Threading.Channels;

namespace ApiSecurity.WebFront.Mail;

/// <summary>
/// Work that ends in an e-mail (a reminder, a sign-up confirmation), done after the answer has gone:
/// a request for an unknown address and one for a known address enqueue the same job and answer at
/// once, so neither the answer nor its timing says which addresses exist. Bounded: when full, new
/// work is refused (the operation answers 503 whatever the address).
/// </summary>
public sealed partial class MailOutbox(ILogger<MailOutbox> logger) : BackgroundService
{
    /// <summary>Jobs that may wait.</summary>
    public const int Capacity = 1000;

    private const int Workers = 2;

    private readonly Channel<Func<CancellationToken, Task>> _jobs =
        Channel.CreateBounded<Func<CancellationToken, Task>>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues a job; false when the outbox is full.</summary>
    public bool TryEnqueue(Func<CancellationToken, Task> job) => _jobs.Writer.TryWrite(job);

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => RunAsync(stoppingToken)));

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await job(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The message (with its code) is never logged; the member asks again.
                    LogJobFailed(logger, ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An e-mail job failed: {Error}: {Message}")]
    private static partial void LogJobFailed(ILogger logger, string error, string message);
}
