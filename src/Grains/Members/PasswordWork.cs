using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Grains.Members;

/// <summary>
/// Runs password hashing (ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>: PBKDF2,
/// salted) on the .NET thread pool, never in a grain turn, with a process-wide bound on how many
/// hashes run and wait at once. A hash costs tens of milliseconds of CPU; run on Orleans' scheduler
/// it would hold a scheduler thread, and token checks would queue behind a flood of logins.
/// Awaiting it from a grain releases the grain's turn to the scheduler while the hash runs.
/// </summary>
public sealed class PasswordWork
{
    private static readonly PasswordHasher<MemberState> Hasher = new();

    private readonly SemaphoreSlim _slots;
    private readonly int _admissionLimit;
    private readonly Lazy<string> _decoyHash;
    private int _admitted;
    private long _runs;
    private long _runsInTaskContext;

    /// <summary>Creates the pool from its options.</summary>
    public PasswordWork(IOptions<PasswordHashingOptions> options)
    {
        var concurrency = options.Value.EffectiveConcurrency;
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _admissionLimit = concurrency + Math.Max(0, options.Value.MaxQueueLength);

        // A hash of a random password with the same parameters as real ones: unknown members and
        // locked members are verified against it, so every login attempt costs one verification.
        _decoyHash = new(() => Hasher.HashPassword(null!, Security.Secrets.NewSecret()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Hashes run so far.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>
    /// Hashes that ran while a task scheduler other than the thread pool's was current (as inside
    /// a grain turn, whose scheduler is the activation's). Always 0 by construction; exposed so
    /// tests and diagnostics can hold the code to that.
    /// </summary>
    public long RunsOnOtherSchedulers => Interlocked.Read(ref _runsInTaskContext);

    /// <summary>Hashes a password. Throws <see cref="PasswordHashingBusyException"/> when the queue is full.</summary>
    public Task<string> HashAsync(string password) => RunAsync(() => Hasher.HashPassword(null!, password));

    /// <summary>
    /// Verifies a password against <paramref name="hash"/>, or against a decoy hash when
    /// <paramref name="hash"/> is null (same cost, always fails). Throws
    /// <see cref="PasswordHashingBusyException"/> when the queue is full.
    /// </summary>
    public Task<PasswordVerificationResult> VerifyAsync(string? hash, string password) => RunAsync(() =>
    {
        var result = Hasher.VerifyHashedPassword(null!, hash ?? _decoyHash.Value, password);
        return hash is null ? PasswordVerificationResult.Failed : result;
    });

    private Task<T> RunAsync<T>(Func<T> work)
    {
        if (Interlocked.Increment(ref _admitted) > _admissionLimit)
        {
            Interlocked.Decrement(ref _admitted);
            return Task.FromException<T>(new PasswordHashingBusyException());
        }

        // Task.Run starts on the thread pool with the default scheduler, whatever the caller's
        // scheduler is, so the wait and the hash both happen outside the grain turn.
        return Task.Run(async () =>
        {
            try
            {
                await _slots.WaitAsync();
                try
                {
                    Interlocked.Increment(ref _runs);
                    if (TaskScheduler.Current != TaskScheduler.Default)
                    {
                        Interlocked.Increment(ref _runsInTaskContext);
                    }

                    return work();
                }
                finally
                {
                    _slots.Release();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _admitted);
            }
        });
    }
}

/// <summary>Too many password hashes are running and waiting in this process; the caller should retry shortly.</summary>
[GenerateSerializer, Alias("PasswordHashingBusyException")]
public sealed class PasswordHashingBusyException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public PasswordHashingBusyException()
        : base("Too many password checks are in progress; retry shortly.")
    {
    }
}
