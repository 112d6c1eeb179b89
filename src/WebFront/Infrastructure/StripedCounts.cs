namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// A few counts that every core may add to at the same time. They start as plain fields (one atomic
/// increment each), which is all a rarely used API needs. Once threads have collided on them 16 times,
/// the counts spread over one block per core (at most 16 blocks), each on its own cache lines, and a core
/// increments only its own block from then on: counts on one shared cache line cost a transfer of that
/// line between cores on every request. Waiting for several collisions keeps the per-core blocks (up to
/// 2 KiB) to APIs that are busy on several cores at once, so a front serving 100,000 quiet APIs does not
/// end up holding them for all. Reading adds up the blocks; a read racing with increments sees each
/// increment either before or after, never a torn value. Java's <c>LongAdder</c> works the same way.
/// </summary>
public sealed class StripedCounts
{
    // A core's block: the counts, then padding up to 128 bytes, so no two blocks share a 64-byte line or
    // the pair of lines that adjacent-line prefetching moves together.
    private const int BlockLength = 16;

    // Blocks start this many longs into the array, away from the array's header and whatever precedes it.
    private const int Offset = 8;

    // The most per-core blocks: cores beyond it share blocks (still far fewer collisions than one field).
    private const int MaxBlocks = 16;

    // How many collisions make the counts spread.
    private const int SpreadAfterCollisions = 16;

    private static readonly int BlockCount = (int)Math.Min(MaxBlocks, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));

    private readonly long[] _base;
    private long[]? _blocks;
    private int _collisions;

    /// <summary>Makes <paramref name="length"/> counts (at most 16), all zero.</summary>
    public StripedCounts(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BlockLength);
        _base = new long[length];
    }

    /// <summary>True once collisions have spread the counts over per-core blocks (for tests).</summary>
    internal bool IsSpread => Volatile.Read(ref _blocks) is not null;

    /// <summary>Adds one to the count at <paramref name="index"/>.</summary>
    public void Increment(int index)
    {
        var blocks = Volatile.Read(ref _blocks);
        if (blocks is null)
        {
            ref var count = ref _base[index];
            var seen = Volatile.Read(ref count);
            if (Interlocked.CompareExchange(ref count, seen + 1, seen) == seen)
            {
                return;
            }

            if (Interlocked.Increment(ref _collisions) < SpreadAfterCollisions)
            {
                Interlocked.Increment(ref count);
                return;
            }

            blocks = Spread();
        }

        var block = Thread.GetCurrentProcessorId() & (BlockCount - 1);
        Interlocked.Increment(ref blocks[Offset + (block * BlockLength) + index]);
    }

    /// <summary>The count at <paramref name="index"/>.</summary>
    public long this[int index]
    {
        get
        {
            var total = Volatile.Read(ref _base[index]);
            if (Volatile.Read(ref _blocks) is { } blocks)
            {
                for (var block = 0; block < BlockCount; block++)
                {
                    total += Volatile.Read(ref blocks[Offset + (block * BlockLength) + index]);
                }
            }

            return total;
        }
    }

    internal long[] Spread()
    {
        var blocks = new long[Offset + (BlockCount * BlockLength)];
        return Interlocked.CompareExchange(ref _blocks, blocks, null) ?? blocks;
    }
}
