using ApiSecurity.Grains.Security;

namespace ApiSecurity.Tests.Domain;

public sealed class IpAllowListTests
{
    private static IpAllowList Parse(params string[] entries)
    {
        var list = IpAllowList.Parse(entries, out var errors);
        Assert.Empty(errors);
        return list;
    }

    [Fact]
    public void EmptyList_AllowsEveryone() => Assert.True(Parse().Allows(IPAddress.Parse("198.51.100.7")));

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    [InlineData("192.0.2.0/24", "192.0.2.255", true)]
    [InlineData("192.0.2.0/24", "192.0.3.0", false)]
    [InlineData("192.0.2.10-192.0.2.20", "192.0.2.15", true)]
    [InlineData("192.0.2.10 - 192.0.2.20", "192.0.2.21", false)]
    [InlineData("2001:db8::1", "2001:db8::1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::5", true)]
    [InlineData("2001:db8::/32", "2001:db9::5", false)]
    [InlineData("2001:db8::1-2001:db8::9", "2001:db8::5", true)]
    [InlineData("192.0.2.1", "::ffff:192.0.2.1", true)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    public void Entry_MatchesAddress(string entry, string address, bool allowed) =>
        Assert.Equal(allowed, Parse(entry).Allows(IPAddress.Parse(address)));

    [Fact]
    public void Comments_AndBlankLines_AreIgnored()
    {
        var list = Parse("# office\n192.0.2.1 # front desk\n\n   \n10.0.0.0/8");
        Assert.True(list.Allows(IPAddress.Parse("192.0.2.1")));
        Assert.True(list.Allows(IPAddress.Parse("10.1.2.3")));
        Assert.False(list.Allows(IPAddress.Parse("192.0.2.2")));
    }

    [Theory]
    [InlineData("192.0.2")]
    [InlineData("1")]
    [InlineData("192.0.2.256")]
    [InlineData("192.0.2.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("192.0.2.9-192.0.2.1")]
    [InlineData("192.0.2.1-2001:db8::1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("hello")]
    [InlineData("192.0.2.1/")]
    public void InvalidEntry_IsReported_WithTheEntry(string entry)
    {
        IpAllowList.Parse(["192.0.2.1", entry], out var errors);
        var error = Assert.Single(errors);
        Assert.Contains(entry.Trim(), error);
    }

    [Fact]
    public void LargeList_MergesIntoIntervals_AndMatchesByBinarySearch()
    {
        var entries = Enumerable.Range(0, 10_000).Select(i => $"10.{i / 256}.{i % 256}.1").ToArray();
        var list = Parse(entries);
        Assert.Equal(10_000, list.IntervalCount);
        Assert.True(list.Allows(IPAddress.Parse("10.39.15.1")));
        Assert.False(list.Allows(IPAddress.Parse("10.39.15.2")));
    }

    [Fact]
    public void OverlappingEntries_AreMerged() =>
        Assert.Equal(1, Parse("192.0.2.0/24", "192.0.2.128/25", "192.0.2.5-192.0.3.0", "192.0.3.1").IntervalCount);

    [Fact]
    public void NonEmptyList_RejectsUnknownAddress() => Assert.False(Parse("192.0.2.1").Allows(null));

    [Fact]
    public void ListWithAnEntryThatDoesNotParse_DeniesEveryone()
    {
        var list = IpAllowList.Parse(["192.0.2.0/24", "192.0.2.0/99"], out var errors);

        Assert.Single(errors);
        Assert.False(list.IsEmpty);
        Assert.False(list.Allows(IPAddress.Parse("192.0.2.1")));
        Assert.False(list.Allows(IPAddress.Parse("198.51.100.7")));
    }

    [Fact]
    public void StoredSnapshot_WithAnEntryThatNoLongerParses_ClosesTheApi()
    {
        var snapshot = new ApiSecurity.Grains.Apis.ApiSnapshot("api", "api", true, ApiSecurity.Grains.Apis.SecurityMode.None,
            ["not-an-address"], ApiSecurity.Grains.Apis.CorsSettings.Empty, [], [], 1, "scope", 0);

        var api = ApiSecurity.WebFront.Rcms.CompiledApi.Compile(snapshot);

        Assert.NotEmpty(api.IpRestrictionErrors);
        Assert.False(api.IpAllowList.Allows(IPAddress.Loopback));
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    public void RateLimitKey_CountsAnIpv6ClientByItsSlash64(string address, string key) =>
        Assert.Equal(key, ApiSecurity.WebFront.Rcms.Pipeline.RateLimitStep.ClientKey(IPAddress.Parse(address)));
}
