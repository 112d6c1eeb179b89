using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Grains.Members;

/// <summary>
/// Runs password hashing (ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>: PBKDF2,
/// salted) on a few dedicated threads of its own, never in a grain turn and never on the .NET
/// thread pool that Orleans' scheduler and ASP.NET Core share, with a process-wide bound on how many
/// hashes run and wait. A hash costs tens of milliseconds of CPU; run on Orleans' scheduler it would
/// hold a scheduler thread, and token checks would queue behind a flood of logins. The threads also
/// run at a lower OS priority, so when the CPU is contended token checks win it and logins wait.
/// Awaiting a hash from a grain releases the grain's turn while the hash runs.
/// </summary>
public sealed class PasswordWork : IDisposable
{
    private static readonly PasswordHasher<MemberState> Hasher = new();

    private readonly BlockingCollection<Action> _queue = new();
    private readonly int _admissionLimit;
    private readonly Lazy<string> _decoyHash;
    private int _admitted;
    private long _runs;
    private long _runsInTaskContext;

    /// <summary>Creates the pool from its options and starts its threads.</summary>
    public PasswordWork(IOptions<PasswordHashingOptions> options)
    {
        var concurrency = options.Value.EffectiveConcurrency;
        _admissionLimit = concurrency + Math.Max(0, options.Value.MaxQueueLength);

        // A hash of a random password with the same parameters as real ones: unknown members and
        // locked members are verified against it, so every login attempt costs one verification.
        _decoyHash = new(() => Hasher.HashPassword(null!, Security.Secrets.NewSecret()), LazyThreadSafetyMode.ExecutionAndPublication);

        // Wait until every thread has lowered its priority, so no hash ever runs at normal priority.
        using var started = new CountdownEvent(concurrency);
        for (var i = 0; i < concurrency; i++)
        {
            new Thread(() => Work(started)) { IsBackground = true, Name = $"password-hashing-{i}", Priority = ThreadPriority.BelowNormal }.Start();
        }

        started.Wait();
    }

    /// <summary>Hashes run so far.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>
    /// Hashes that ran while a task scheduler other than the default one was current (as inside a
    /// grain turn, whose scheduler is the activation's). Always 0 by construction; exposed so tests
    /// and diagnostics can hold the code to that.
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

    /// <summary>Stops the threads once the queued work is done.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private Task<T> RunAsync<T>(Func<T> work)
    {
        if (Interlocked.Increment(ref _admitted) > _admissionLimit)
        {
            Interlocked.Decrement(ref _admitted);
            return Task.FromException<T>(new PasswordHashingBusyException());
        }

        // Continuations run asynchronously, so a grain's code never continues on a hashing thread
        // (it goes back to the grain's scheduler) and the thread is free for the next hash.
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add(() =>
            {
                try
                {
                    Interlocked.Increment(ref _runs);
                    if (TaskScheduler.Current != TaskScheduler.Default)
                    {
                        Interlocked.Increment(ref _runsInTaskContext);
                    }

                    var result = work();
                    Interlocked.Decrement(ref _admitted);
                    done.SetResult(result);
                }
                catch (Exception ex)
                {
                    Interlocked.Decrement(ref _admitted);
                    done.SetException(ex);
                }
            });
        }
        catch (InvalidOperationException)
        {
            // Shutting down: the pool takes no more work.
            Interlocked.Decrement(ref _admitted);
            return Task.FromException<T>(new PasswordHashingBusyException());
        }

        return done.Task;
    }

    private void Work(CountdownEvent started)
    {
        LowerPriority();
        started.Signal();
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            item();
        }
    }

    // Thread.Priority is ignored on Linux; there a thread's own nice value sets its CPU share
    // (nice 10 weighs about a tenth of nice 0), and any thread may lower its own priority.
    private static void LowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = SetPriority(0, GetThreadId(), 10);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // An old C library without gettid: hashing keeps the normal priority, still bounded.
        }
    }

    // Blittable signatures: DllImport needs no marshalling code (and no unsafe code in this project).
    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);
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
