using System.Net;
using Cal.WebApi.RateLimiting;

namespace Cal.WebApi.FunctionalTests.RateLimiting;

/// <summary>Unauthenticated callers are limited per IPv4 address or per IPv6 /64 (one subscriber's allocation). Pure function; no
/// traffic.</summary>
public sealed class ClientNetworkTests
{
    [TestCase("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [TestCase("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [TestCase("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [TestCase("::1", "::/64")]
    [TestCase("203.0.113.7", "203.0.113.7")]
    [TestCase("::ffff:203.0.113.7", "203.0.113.7")]
    public void Partition(string address, string expected) =>
        Assert.That(CalRateLimiter.ClientNetwork(IPAddress.Parse(address)), Is.EqualTo(expected));

    [Test]
    public void AddressesOfOneSlash64_ShareAPartition_AndNeighbouringNetworksDoNot()
    {
        var a = CalRateLimiter.ClientNetwork(IPAddress.Parse("2001:db8:1:2::1"));
        var b = CalRateLimiter.ClientNetwork(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        var c = CalRateLimiter.ClientNetwork(IPAddress.Parse("2001:db8:1:1:ffff:ffff:ffff:ffff"));
        Assert.That((a == b, a == c), Is.EqualTo((true, false)));
    }

    [Test]
    public void NoAddress_IsOnePartition() => Assert.That(CalRateLimiter.ClientNetwork(null), Is.EqualTo("unknown"));
}
