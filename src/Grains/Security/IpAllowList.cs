using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ApiSecurity.Grains.Security;

/// <summary>
/// An immutable IP allow-list (docs/ip-restriction.md): single addresses, CIDR blocks and <c>first-last</c> ranges,
/// IPv4 and IPv6, with <c>#</c> comments. Entries are merged into sorted, disjoint intervals per
/// family, so a lookup is a binary search: O(log n) whatever the list size.
/// </summary>
public sealed class IpAllowList
{
    private readonly Interval[] _v4;
    private readonly Interval[] _v6;
    private readonly bool _denyAll;

    private IpAllowList(Interval[] v4, Interval[] v6, bool denyAll = false)
    {
        _v4 = v4;
        _v6 = v6;
        _denyAll = denyAll;
    }

    /// <summary>A list that allows every address (the empty list).</summary>
    public static IpAllowList AllowAll { get; } = new([], []);

    /// <summary>
    /// A list that allows nobody: what a list with an entry that does not parse becomes. An entry that
    /// cannot be read must not leave the API open to everyone (fail closed).
    /// </summary>
    public static IpAllowList DenyAll { get; } = new([], [], denyAll: true);

    /// <summary>True when the list has no entries, so everyone is allowed.</summary>
    public bool IsEmpty => _v4.Length == 0 && _v6.Length == 0 && !_denyAll;

    /// <summary>Number of disjoint intervals after merging.</summary>
    public int IntervalCount => _v4.Length + _v6.Length;

    /// <summary>True when <paramref name="address"/> is allowed. A null address is allowed only by an empty list.</summary>
    public bool Allows(IPAddress? address)
    {
        if (IsEmpty)
        {
            return true;
        }

        if (address is null || _denyAll)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => Contains(_v4, ToNumber(address)),
            AddressFamily.InterNetworkV6 => Contains(_v6, ToNumber(address)),
            _ => false,
        };
    }

    /// <summary>
    /// Parses entries (each item may hold several lines). Returns the list, or the errors naming
    /// each invalid entry; with any error the caller must store nothing, and the list returned is
    /// <see cref="DenyAll"/>.
    /// </summary>
    public static IpAllowList Parse(IEnumerable<string> entries, out IReadOnlyList<string> errors)
    {
        var v4 = new List<Interval>();
        var v6 = new List<Interval>();
        var problems = new List<string>();
        foreach (var item in entries)
        {
            foreach (var rawLine in (item ?? string.Empty).Split('\n'))
            {
                var line = rawLine;
                var hash = line.IndexOf('#');
                if (hash >= 0)
                {
                    line = line[..hash];
                }

                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (TryParseEntry(line, out var interval, out var isV4, out var error))
                {
                    (isV4 ? v4 : v6).Add(interval);
                }
                else
                {
                    problems.Add($"'{Truncate(line)}': {error}");
                }
            }
        }

        errors = problems;
        return problems.Count > 0 ? DenyAll : new IpAllowList(Merge(v4), Merge(v6));
    }

    /// <summary>Normalizes entries for storage: comments and blank lines are kept out, each entry trimmed.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> entries)
    {
        var result = new List<string>();
        foreach (var item in entries)
        {
            foreach (var rawLine in (item ?? string.Empty).Split('\n'))
            {
                var line = rawLine.TrimEnd('\r').Trim();
                if (line.Length > 0)
                {
                    result.Add(line);
                }
            }
        }

        return result;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";

    private static bool TryParseEntry(string entry, out Interval interval, out bool isV4, out string error)
    {
        interval = default;
        isV4 = false;
        error = string.Empty;

        var slash = entry.IndexOf('/');
        if (slash >= 0)
        {
            if (!TryParseAddress(entry[..slash].Trim(), out var network, out error))
            {
                return false;
            }

            var prefixText = entry[(slash + 1)..].Trim();
            var bits = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit)
                || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > bits)
            {
                error = $"prefix length must be 0-{bits}";
                return false;
            }

            var value = ToNumber(network);
            var hostMask = prefix == bits ? UInt128.Zero : (UInt128.One << (bits - prefix)) - 1;
            var first = value & ~hostMask;
            interval = new Interval(first, first | hostMask);
            isV4 = bits == 32;
            return true;
        }

        var dash = entry.IndexOf('-');
        if (dash >= 0)
        {
            if (!TryParseAddress(entry[..dash].Trim(), out var from, out error)
                || !TryParseAddress(entry[(dash + 1)..].Trim(), out var to, out error))
            {
                return false;
            }

            if (from.AddressFamily != to.AddressFamily)
            {
                error = "a range must have both ends in the same address family";
                return false;
            }

            var start = ToNumber(from);
            var end = ToNumber(to);
            if (start > end)
            {
                error = "the first address of a range must not be above the last";
                return false;
            }

            interval = new Interval(start, end);
            isV4 = from.AddressFamily == AddressFamily.InterNetwork;
            return true;
        }

        if (!TryParseAddress(entry, out var single, out error))
        {
            return false;
        }

        var n = ToNumber(single);
        interval = new Interval(n, n);
        isV4 = single.AddressFamily == AddressFamily.InterNetwork;
        return true;
    }

    /// <summary>Strict address parsing: dotted-quad IPv4 only (IPAddress.Parse also takes "1" or "1.2"), IPv6 without zone.</summary>
    private static bool TryParseAddress(string text, out IPAddress address, out string error)
    {
        address = IPAddress.None;
        error = "not an IP address, CIDR block or range";
        if (text.Length == 0 || text.Length > 45 || text.Contains('%'))
        {
            return false;
        }

        if (text.Contains(':'))
        {
            if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
            return true;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit)
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return false;
            }

            bytes[i] = (byte)octet;
        }

        address = new IPAddress(bytes);
        return true;
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static Interval[] Merge(List<Interval> intervals)
    {
        if (intervals.Count == 0)
        {
            return [];
        }

        intervals.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<Interval> { intervals[0] };
        for (var i = 1; i < intervals.Count; i++)
        {
            var last = merged[^1];
            var current = intervals[i];
            if (last.End == UInt128.MaxValue || current.Start <= last.End + 1)
            {
                merged[^1] = new Interval(last.Start, UInt128.Max(last.End, current.End));
            }
            else
            {
                merged.Add(current);
            }
        }

        return [.. merged];
    }

    private static bool Contains(Interval[] intervals, UInt128 value)
    {
        int lo = 0, hi = intervals.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var interval = intervals[mid];
            if (value < interval.Start)
            {
                hi = mid - 1;
            }
            else if (value > interval.End)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Interval(UInt128 Start, UInt128 End);
}
