using System.Globalization;
using System.Net;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// <c>Outbound:AllowedHosts</c>: destinations allowed even though <see cref="AddressPolicy"/> would refuse
/// them (an internal calendar server; a test's loopback feed server). Entries: <c>host</c>,
/// <c>host:port</c>, an IP (<c>10.1.2.3</c>, <c>[fd00::1]</c>), an IP with port (<c>127.0.0.1:8080</c>,
/// <c>[::1]:8080</c>), or a CIDR (<c>10.0.0.0/8</c>). A host name entry allows what that name resolves to.
/// </summary>
public sealed class OutboundAllowList
{
    private readonly List<Entry> entries;

    private OutboundAllowList(List<Entry> entries) => this.entries = entries;

    public static OutboundAllowList Empty { get; } = new([]);

    public int Count => entries.Count;

    public static OutboundAllowList Parse(IEnumerable<string?> values)
    {
        var parsed = new List<Entry>();
        foreach (var raw in values)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            parsed.Add(
                ParseEntry(raw.Trim())
                    ?? throw new FormatException($"Outbound:AllowedHosts entry '{raw}' is not a host, host:port, IP, IP:port or CIDR.")
            );
        }

        return new OutboundAllowList(parsed);
    }

    /// <summary>Whether a connection to <paramref name="address"/>:<paramref name="port"/>, reached by the URL host
    /// <paramref name="host"/>, is allowed.</summary>
    public bool Allows(string host, int port, IPAddress address)
    {
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var entry in entries)
        {
            if (entry.Port is { } p && p != port)
            {
                continue;
            }

            var matches = entry switch
            {
                { Host: { } h } => string.Equals(h, host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase),
                { Network: { } n, PrefixLength: var length } => AddressPolicy.InPrefix(normalized, n, length),
                _ => false,
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private static Entry? ParseEntry(string value)
    {
        // CIDR
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            return
                IPAddress.TryParse(value[..slash].Trim('[', ']'), out var network)
                && int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                && length >= 0
                && length <= (network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
                ? new Entry(null, network, length, null)
                : null;
        }

        // Bare IP (IPv6 without brackets has several colons).
        if (
            IPAddress.TryParse(value.Trim('[', ']'), out var ip)
            && (value.Count(c => c == ':') != 1 || value.StartsWith('['))
            && !value.Contains("]:", StringComparison.Ordinal)
        )
        {
            return new Entry(null, ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128, null);
        }

        // [v6]:port, v4:port or host:port
        int? port = null;
        var hostPart = value;
        var colon = value.LastIndexOf(':');
        if (colon > 0 && (value.StartsWith('[') ? value[colon - 1] == ']' : value.IndexOf(':', StringComparison.Ordinal) == colon))
        {
            if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                return null;
            }

            port = p;
            hostPart = value[..colon];
        }

        if (IPAddress.TryParse(hostPart.Trim('[', ']'), out ip))
        {
            return new Entry(null, ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128, port);
        }

        return Uri.CheckHostName(hostPart) == UriHostNameType.Dns ? new Entry(hostPart.TrimEnd('.'), null, 0, port) : null;
    }

    private sealed record Entry(string? Host, IPAddress? Network, int PrefixLength, int? Port);
}
