using System.Net;
using Cal.Infrastructure.Outbound;

namespace Cal.Infrastructure.UnitTests.Outbound;

/// <summary>
/// The address policy as a pure function: a table of URL host spellings and addresses with their
/// verdicts. Nothing here opens a connection.
/// </summary>
public sealed class AddressPolicyTests
{
    private const bool Public = true;
    private const bool Blocked = false;

    // URL host as a user could write it → may Cal connect to it?
    [TestCase("127.0.0.1", Blocked, TestName = "loopback")]
    [TestCase("127.255.255.254", Blocked, TestName = "loopback, top of 127/8")]
    [TestCase("2130706433", Blocked, TestName = "loopback as one decimal number")]
    [TestCase("0x7f000001", Blocked, TestName = "loopback as one hex number")]
    [TestCase("017700000001", Blocked, TestName = "loopback as one octal number")]
    [TestCase("0177.0.0.1", Blocked, TestName = "loopback with an octal part")]
    [TestCase("0x7f.0.0.1", Blocked, TestName = "loopback with a hex part")]
    [TestCase("0x7f.1", Blocked, TestName = "loopback, two hex/decimal parts")]
    [TestCase("127.1", Blocked, TestName = "loopback, short form")]
    [TestCase("127.000.000.001", Blocked, TestName = "loopback, zero-padded")]
    [TestCase("0", Blocked, TestName = "zero is 0.0.0.0")]
    [TestCase("0.0.0.0", Blocked, TestName = "unspecified")]
    [TestCase("0.1.2.3", Blocked, TestName = "this network 0/8")]
    [TestCase("10.0.0.1", Blocked, TestName = "private 10/8")]
    [TestCase("10.255.255.255", Blocked, TestName = "private 10/8 top")]
    [TestCase("012.0.0.1", Blocked, TestName = "private 10/8 in octal")]
    [TestCase("167772161", Blocked, TestName = "private 10.0.0.1 as decimal")]
    [TestCase("172.16.0.1", Blocked, TestName = "private 172.16/12 bottom")]
    [TestCase("172.31.255.255", Blocked, TestName = "private 172.16/12 top")]
    [TestCase("172.15.255.255", Public, TestName = "just below 172.16/12")]
    [TestCase("172.32.0.0", Public, TestName = "just above 172.16/12")]
    [TestCase("192.168.1.1", Blocked, TestName = "private 192.168/16")]
    [TestCase("0xc0.0xa8.1.1", Blocked, TestName = "private 192.168/16 in hex parts")]
    [TestCase("169.254.169.254", Blocked, TestName = "cloud metadata (link-local)")]
    [TestCase("0xa9fea9fe", Blocked, TestName = "cloud metadata as one hex number")]
    [TestCase("2852039166", Blocked, TestName = "cloud metadata as one decimal number")]
    [TestCase("169.254.0.1", Blocked, TestName = "link-local")]
    [TestCase("100.64.0.1", Blocked, TestName = "CGNAT 100.64/10 bottom")]
    [TestCase("100.127.255.255", Blocked, TestName = "CGNAT 100.64/10 top")]
    [TestCase("100.63.255.255", Public, TestName = "just below CGNAT")]
    [TestCase("100.128.0.0", Public, TestName = "just above CGNAT")]
    [TestCase("224.0.0.1", Blocked, TestName = "multicast")]
    [TestCase("239.255.255.250", Blocked, TestName = "multicast SSDP")]
    [TestCase("240.0.0.1", Blocked, TestName = "reserved 240/4")]
    [TestCase("255.255.255.255", Blocked, TestName = "broadcast")]
    [TestCase("192.0.0.8", Blocked, TestName = "IETF protocol assignments")]
    [TestCase("192.0.2.1", Blocked, TestName = "TEST-NET-1")]
    [TestCase("198.51.100.7", Blocked, TestName = "TEST-NET-2")]
    [TestCase("203.0.113.9", Blocked, TestName = "TEST-NET-3")]
    [TestCase("198.18.0.1", Blocked, TestName = "benchmarking")]
    [TestCase("192.88.99.1", Blocked, TestName = "6to4 relay anycast")]
    [TestCase("8.8.8.8", Public, TestName = "public IPv4")]
    [TestCase("1.1.1.1", Public, TestName = "public IPv4 (2)")]
    [TestCase("134744072", Public, TestName = "public 8.8.8.8 as decimal")]
    [TestCase("[::1]", Blocked, TestName = "IPv6 loopback")]
    [TestCase("[0:0:0:0:0:0:0:1]", Blocked, TestName = "IPv6 loopback, long form")]
    [TestCase("[::]", Blocked, TestName = "IPv6 unspecified")]
    [TestCase("[fc00::1]", Blocked, TestName = "unique local fc00::/7")]
    [TestCase("[fd12:3456:789a::1]", Blocked, TestName = "unique local fd00::/8")]
    [TestCase("[fe80::1]", Blocked, TestName = "IPv6 link-local")]
    [TestCase("[fe80::1%25eth0]", Blocked, TestName = "IPv6 link-local with zone id")]
    [TestCase("[febf:ffff::1]", Blocked, TestName = "IPv6 link-local top")]
    [TestCase("[fec0::1]", Blocked, TestName = "IPv6 site-local")]
    [TestCase("[ff02::1]", Blocked, TestName = "IPv6 multicast")]
    [TestCase("[100::1]", Blocked, TestName = "IPv6 discard")]
    [TestCase("[2001:db8::1]", Blocked, TestName = "IPv6 documentation")]
    [TestCase("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", Blocked, TestName = "Teredo")]
    [TestCase("[::ffff:127.0.0.1]", Blocked, TestName = "IPv4-mapped loopback")]
    [TestCase("[::ffff:7f00:1]", Blocked, TestName = "IPv4-mapped loopback in hex")]
    [TestCase("[0:0:0:0:0:ffff:a9fe:a9fe]", Blocked, TestName = "IPv4-mapped metadata")]
    [TestCase("[::ffff:10.1.2.3]", Blocked, TestName = "IPv4-mapped private")]
    [TestCase("[::ffff:8.8.8.8]", Public, TestName = "IPv4-mapped public")]
    [TestCase("[::127.0.0.1]", Blocked, TestName = "IPv4-compatible loopback")]
    [TestCase("[::10.0.0.1]", Blocked, TestName = "IPv4-compatible private")]
    [TestCase("[::8.8.8.8]", Public, TestName = "IPv4-compatible public")]
    [TestCase("[64:ff9b::127.0.0.1]", Blocked, TestName = "NAT64 loopback")]
    [TestCase("[64:ff9b::a9fe:a9fe]", Blocked, TestName = "NAT64 metadata")]
    [TestCase("[64:ff9b:1::a00:1]", Blocked, TestName = "local-use NAT64 private")]
    [TestCase("[64:ff9b::808:808]", Public, TestName = "NAT64 public")]
    [TestCase("[2002:7f00:1::1]", Blocked, TestName = "6to4 embedding loopback")]
    [TestCase("[2002:c0a8:101::1]", Blocked, TestName = "6to4 embedding 192.168.1.1")]
    [TestCase("[2002:808:808::1]", Public, TestName = "6to4 embedding public")]
    [TestCase("[2606:4700:4700::1111]", Public, TestName = "public IPv6")]
    [TestCase("[2a00:1450:4001:80b::200e]", Public, TestName = "public IPv6 (2)")]
    public void UrlHost_IsJudgedByTheAddressItNames(string urlHost, bool expectedPublic)
    {
        var uri = new Uri($"http://{urlHost}/calendar.ics");

        Assert.That(AddressPolicy.TryGetLiteralAddress(uri, out var address), Is.True, $"{urlHost} names an address");
        Assert.That(AddressPolicy.IsPublic(address!, out var whyNot), Is.EqualTo(expectedPublic), $"{urlHost} = {address} ({whyNot})");
        Assert.That(whyNot is null, Is.EqualTo(expectedPublic), "a refusal says why");
    }

    [TestCase("localhost")]
    [TestCase("calendar.example.com")]
    [TestCase("1.2.3.4.5")]
    [TestCase("256.1.1.1")]
    public void UrlHost_ThatIsAName_IsJudgedAfterResolution(string urlHost)
    {
        Assert.That(AddressPolicy.TryGetLiteralAddress(new Uri($"http://{urlHost}/"), out _), Is.False);
    }

    [TestCase("::ffff:127.0.0.1", "127.0.0.1")]
    [TestCase("::10.0.0.1", "10.0.0.1")]
    [TestCase("64:ff9b::c0a8:101", "192.168.1.1")]
    [TestCase("2002:c0a8:101::1", "192.168.1.1")]
    [TestCase("2606:4700::1", null)]
    [TestCase("::1", null)]
    [TestCase("::", null)]
    public void EmbeddedIPv4_IsFound(string v6, string? expected)
    {
        Assert.That(AddressPolicy.EmbeddedIPv4(IPAddress.Parse(v6))?.ToString(), Is.EqualTo(expected));
    }
}

public sealed class OutboundAllowListTests
{
    private static readonly IPAddress Loopback = IPAddress.Loopback;

    [TestCase("127.0.0.1:8080", "127.0.0.1", 8080, true)]
    [TestCase("127.0.0.1:8080", "127.0.0.1", 8081, false)]
    [TestCase("127.0.0.1", "127.0.0.1", 1, true)]
    [TestCase("127.0.0.0/8", "127.0.0.1", 443, true)]
    [TestCase("10.0.0.0/8", "127.0.0.1", 443, false)]
    [TestCase("calendar.internal", "calendar.internal", 443, true)]
    [TestCase("calendar.internal", "CALENDAR.internal.", 443, true)]
    [TestCase("calendar.internal:8443", "calendar.internal", 443, false)]
    [TestCase("calendar.internal:8443", "calendar.internal", 8443, true)]
    [TestCase("other.internal", "calendar.internal", 443, false)]
    public void Entry_AllowsWhatItNames(string entry, string host, int port, bool allowed)
    {
        var list = OutboundAllowList.Parse([entry]);
        Assert.That(list.Allows(host, port, Loopback), Is.EqualTo(allowed));
    }

    [TestCase("[::1]:8080", 8080, true)]
    [TestCase("[::1]:8080", 8081, false)]
    [TestCase("::1", 1234, true)]
    [TestCase("[::1]", 1234, true)]
    [TestCase("::/0", 1234, true)]
    public void IPv6Entries(string entry, int port, bool allowed)
    {
        Assert.That(OutboundAllowList.Parse([entry]).Allows("[::1]", port, IPAddress.IPv6Loopback), Is.EqualTo(allowed));
    }

    [Test]
    public void MappedAddress_MatchesItsIPv4Entry()
    {
        Assert.That(OutboundAllowList.Parse(["127.0.0.1"]).Allows("x", 80, IPAddress.Parse("::ffff:127.0.0.1")), Is.True);
    }

    [Test]
    public void EmptyList_AllowsNothing()
    {
        Assert.That(OutboundAllowList.Parse([]).Allows("127.0.0.1", 80, Loopback), Is.False);
        Assert.That(OutboundAllowList.Parse(["", "  ", null]).Count, Is.Zero);
    }

    [TestCase("http://127.0.0.1")]
    [TestCase("127.0.0.1:port")]
    [TestCase("127.0.0.1:70000")]
    [TestCase("10.0.0.0/33")]
    [TestCase("not a host")]
    public void BadEntry_IsRefusedAtStartUp(string entry)
    {
        Assert.That(() => OutboundAllowList.Parse([entry]), Throws.TypeOf<FormatException>());
    }
}
