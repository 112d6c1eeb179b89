using ApiSecurity.Grains.Members;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiSecurity.Tests.Domain;

public sealed class PasswordWorkTests
{
    private static PasswordWork Pool(int concurrency, int queue) =>
        new(Options.Create(new PasswordHashingOptions { MaxConcurrency = concurrency, MaxQueueLength = queue }));

    [Fact]
    public async Task Hash_IsVerified_AndADecoyNeverMatches()
    {
        using var pool = Pool(1, 4);
        var hash = await pool.HashAsync("right-password");

        Assert.Equal(PasswordVerificationResult.Success, await pool.VerifyAsync(hash, "right-password"));
        Assert.Equal(PasswordVerificationResult.Failed, await pool.VerifyAsync(hash, "wrong-password"));
        Assert.Equal(PasswordVerificationResult.Failed, await pool.VerifyAsync(null, "right-password"));
        Assert.Equal(4, pool.Runs);
    }

    [Fact]
    public async Task Work_IsRefusedAtOnce_WhenRunningAndWaitingSlotsAreFull_AndAcceptedAgainAfterwards()
    {
        using var pool = Pool(concurrency: 1, queue: 1);

        // Admission is decided synchronously, so the third call is refused before the first hash
        // (tens of milliseconds of PBKDF2) can have finished.
        var first = pool.HashAsync("password-1");
        var second = pool.HashAsync("password-2");
        var third = pool.HashAsync("password-3");

        await Assert.ThrowsAsync<PasswordHashingBusyException>(() => third);
        await Task.WhenAll(first, second);
        Assert.NotEqual(await first, await second);
        Assert.NotEmpty(await pool.HashAsync("password-4"));
        Assert.Equal(0, pool.RunsOnOtherSchedulers);
    }

    [Fact]
    public async Task Hashing_RunsOnNamedThreadsOfItsOwn_AtALowerOsPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var pool = Pool(2, 4);
        await pool.HashAsync("any-password");

        // Linux lists each thread under /proc/self/task with its name (cut to 15 bytes) and its
        // nice value (field 19 of stat, counted after the parenthesised name). Other threads of the test run
        // may end between the listing and the read: those are skipped.
        var hashing = Directory.GetDirectories("/proc/self/task")
            .Select(t => (Comm: ReadIfPresent(Path.Combine(t, "comm")), Stat: ReadIfPresent(Path.Combine(t, "stat"))))
            .Where(t => t.Comm?.StartsWith("password-hash", StringComparison.Ordinal) == true && t.Stat is not null)
            .Select(t => t.Stat!)
            .Select(stat => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(hashing.Count >= 2);
        Assert.All(hashing, nice => Assert.Equal(10, nice));
    }

    private static string? ReadIfPresent(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // the thread ended
        }
    }

    [Fact]
    public void DefaultConcurrency_IsHalfTheProcessors_AtLeastOne()
    {
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), new PasswordHashingOptions().EffectiveConcurrency);
        Assert.Equal(3, new PasswordHashingOptions { MaxConcurrency = 3 }.EffectiveConcurrency);
    }
}
