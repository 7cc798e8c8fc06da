using System.Net;
using System.Net.Sockets;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// Which addresses a feed fetch may connect to. A feed URL is chosen by the caller, so without this
/// the server would fetch from its own network for them (cloud metadata at 169.254.169.254, admin
/// ports on loopback, internal services). Pure: a function of the address alone; the allow-list is
/// <see cref="OutboundAllowList"/>.
/// </summary>
public static class AddressPolicy
{
    private static readonly (IPAddress Network, int PrefixLength, string Why)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "this network"),
        (IPAddress.Parse("10.0.0.0"), 8, "private"),
        (IPAddress.Parse("100.64.0.0"), 10, "carrier-grade NAT"),
        (IPAddress.Parse("127.0.0.0"), 8, "loopback"),
        (IPAddress.Parse("169.254.0.0"), 16, "link-local"),
        (IPAddress.Parse("172.16.0.0"), 12, "private"),
        (IPAddress.Parse("192.0.0.0"), 24, "IETF protocol assignments"),
        (IPAddress.Parse("192.0.2.0"), 24, "documentation"),
        (IPAddress.Parse("192.88.99.0"), 24, "6to4 relay anycast"),
        (IPAddress.Parse("192.168.0.0"), 16, "private"),
        (IPAddress.Parse("198.18.0.0"), 15, "benchmarking"),
        (IPAddress.Parse("198.51.100.0"), 24, "documentation"),
        (IPAddress.Parse("203.0.113.0"), 24, "documentation"),
        (IPAddress.Parse("224.0.0.0"), 4, "multicast"),
        (IPAddress.Parse("240.0.0.0"), 4, "reserved and broadcast"),
    ];

    private static readonly (IPAddress Network, int PrefixLength, string Why)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128, "unspecified"),
        (IPAddress.Parse("::1"), 128, "loopback"),
        (IPAddress.Parse("100::"), 64, "discard"),
        (IPAddress.Parse("2001::"), 32, "Teredo"),
        (IPAddress.Parse("2001:db8::"), 32, "documentation"),
        (IPAddress.Parse("fc00::"), 7, "unique local"),
        (IPAddress.Parse("fe80::"), 10, "link-local"),
        (IPAddress.Parse("fec0::"), 10, "site-local"),
        (IPAddress.Parse("ff00::"), 8, "multicast"),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");
    private static readonly IPAddress Nat64Local = IPAddress.Parse("64:ff9b:1::");
    private static readonly IPAddress SixToFour = IPAddress.Parse("2002::");

    /// <summary>True when <paramref name="address"/> is a public unicast address; otherwise says why not.</summary>
    public static bool IsPublic(IPAddress address, out string? whyNot)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // IPv4 hidden inside IPv6 is judged as the IPv4 it carries.
            if (EmbeddedIPv4(address) is { } embedded)
            {
                return IsPublic(embedded, out whyNot);
            }

            return Check(address, BlockedV6, out whyNot);
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Check(address, BlockedV4, out whyNot);
        }

        whyNot = "not an IP address";
        return false;
    }

    /// <summary>
    /// The IP address a URL names directly, if it does. <see cref="Uri"/> has already turned decimal,
    /// octal and hex IPv4 spellings (<c>2130706433</c>, <c>0177.0.0.1</c>, <c>0x7f.1</c>) into dotted form.
    /// </summary>
    public static bool TryGetLiteralAddress(Uri uri, out IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(uri);
        address = null;
        return uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(Uri.UnescapeDataString(uri.IdnHost), out address);
    }

    /// <summary>The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address.</summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();

        // ::a.b.c.d (IPv4-compatible, deprecated) but not :: or ::1.
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        // 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64): the IPv4 address is the last 32 bits.
        if (InPrefix(address, Nat64, 96) || InPrefix(address, Nat64Local, 48))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        // 2002:AABB:CCDD::/48 (6to4): the IPv4 address is bits 16..47.
        if (InPrefix(address, SixToFour, 16))
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }

        return null;
    }

    public static bool InPrefix(IPAddress address, IPAddress network, int prefixLength)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var fullBytes = prefixLength / 8;
        if (!a.AsSpan(0, fullBytes).SequenceEqual(n.AsSpan(0, fullBytes)))
        {
            return false;
        }

        var remainingBits = prefixLength % 8;
        if (remainingBits == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remainingBits));
        return (a[fullBytes] & mask) == (n[fullBytes] & mask);
    }

    private static bool Check(IPAddress address, (IPAddress Network, int PrefixLength, string Why)[] blocked, out string? whyNot)
    {
        foreach (var (network, prefixLength, why) in blocked)
        {
            if (InPrefix(address, network, prefixLength))
            {
                whyNot = why;
                return false;
            }
        }

        whyNot = null;
        return true;
    }
}
