using System.Net;
using System.Net.Sockets;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// The feed client's <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host once, refuses
/// the connection if any resolved address is not public (unless allow-listed), then connects to exactly
/// the addresses it checked. Checking the address actually connected to is what defeats DNS rebinding;
/// every redirect hop opens its connection through here too.
/// </summary>
internal sealed class PolicyCheckedConnector(OutboundAllowList allowList)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        foreach (var address in addresses)
        {
            if (!AddressPolicy.IsPublic(address, out var whyNot) && !allowList.Allows(host, port, address))
            {
                throw new OutboundAddressBlockedException(host, whyNot!);
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A feed's host resolved to an address the policy refuses. Names the host only, never the URL.</summary>
public sealed class OutboundAddressBlockedException(string host, string reason)
    : Exception($"Connections to {host} are not allowed ({reason} address).")
{
    public string Host { get; } = host;

    public string Reason { get; } = reason;
}
