using System.Collections.Concurrent;

namespace ApiSecurity.Grains.Apis;

/// <summary>
/// A test seam: makes the next publications of an API's version to the catalog fail, as when the silo
/// of the catalog dies between the two steps of a change. Empty, and never written, outside tests.
/// </summary>
internal static class CatalogPublishFaults
{
    private static readonly ConcurrentDictionary<string, int> Remaining = new(StringComparer.Ordinal);

    /// <summary>Makes the next <paramref name="count"/> publications of <paramref name="apiId"/> fail.</summary>
    public static void FailNext(string apiId, int count) => Remaining[apiId] = count;

    /// <summary>Stops injecting failures for <paramref name="apiId"/>.</summary>
    public static void Clear(string apiId) => Remaining.TryRemove(apiId, out _);

    /// <summary>True when this publication must fail (and counts it).</summary>
    public static bool ShouldFail(string apiId)
    {
        if (Remaining.IsEmpty)
        {
            return false;
        }

        while (Remaining.TryGetValue(apiId, out var left) && left > 0)
        {
            if (Remaining.TryUpdate(apiId, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }
}
