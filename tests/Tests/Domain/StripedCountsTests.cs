using ApiSecurity.WebFront.Infrastructure;

namespace ApiSecurity.Tests.Domain;

/// <summary>
/// The request and cache-hit counts many cores add to at once: no increment is lost, before or after they
/// spread over per-core blocks, and one thread alone never makes them spread.
/// </summary>
public sealed class StripedCountsTests
{
    [Fact]
    public void OneThread_CountsExactly_WithoutSpreading()
    {
        var counts = new StripedCounts(9);
        for (var i = 0; i < 10_000; i++)
        {
            counts.Increment(i % 3);
        }

        Assert.False(counts.IsSpread);
        Assert.Equal([3334L, 3333L, 3333L, 0L], [counts[0], counts[1], counts[2], counts[8]]);
    }

    [Fact]
    public void AfterSpreading_EarlierAndLaterIncrementsAreBothCounted()
    {
        var counts = new StripedCounts(2);
        counts.Increment(1);
        counts.Increment(1);
        counts.Spread();
        counts.Increment(1);
        counts.Increment(0);

        Assert.True(counts.IsSpread);
        Assert.Equal(3, counts[1]);
        Assert.Equal(1, counts[0]);
    }

    [Fact]
    public void ManyThreads_LoseNoIncrement_AndReadsNeverGoBack()
    {
        const int Threads = 8;
        const int PerThread = 200_000;
        var counts = new StripedCounts(9);
        using var start = new Barrier(Threads + 1);
        var writers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                counts.Increment(t % 2 == 0 ? 0 : 8);
            }
        })).ToList();
        writers.ForEach(w => w.Start());
        start.SignalAndWait();

        var last = 0L;
        while (writers.Any(w => w.IsAlive))
        {
            var now = counts[0] + counts[8];
            Assert.True(now >= last, $"a read went back from {last} to {now}");
            last = now;
        }

        writers.ForEach(w => w.Join());
        Assert.Equal(Threads / 2 * (long)PerThread, counts[0]);
        Assert.Equal(Threads / 2 * (long)PerThread, counts[8]);
        Assert.Equal(0, counts[1]);
    }

    [Fact]
    public void BadLength_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StripedCounts(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StripedCounts(17));
    }
}
