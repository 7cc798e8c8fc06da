using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Cal.Application.Webhooks.Common;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// Sends webhook requests through the policy-checked connections every user-chosen destination gets (the address
/// checked as it is connected to, so a name that resolves elsewhere at delivery than when it was saved is still refused;
/// no proxy; redirects never followed): one attempt bounded by <see cref="WebhookOptions.AttemptTimeout"/> as a whole, the
/// answer read up to <see cref="WebhookOptions.MaxResponseBytes"/> and the rest dropped with the connection.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options) : IWebhookSender
{
    public const string HttpClientName = "Cal.Webhooks";

    public async Task<WebhookSendResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.AttemptTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        int? status = null;
        try
        {
            using var response = await clients
                .CreateClient(HttpClientName)
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = (int)response.StatusCode;
            await ReadCappedAsync(response, settings.MaxResponseBytes, deadline.Token);
            return Result(status.Value);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The whole attempt ran out of time; an answer's status that came before the body stalled still counts.
            return status is { } s ? Result(s) : new WebhookSendResult(null, "timeout");
        }
        catch (HttpRequestException ex) when (Find<OutboundAddressBlockedException>(ex) is { } blocked)
        {
            return new WebhookSendResult(null, $"blocked_address: {blocked.Reason}", Blocked: true);
        }
        catch (HttpRequestException ex)
        {
            return status is { } s
                ? Result(s)
                : new WebhookSendResult(
                    null,
                    ex.HttpRequestError switch
                    {
                        HttpRequestError.NameResolutionError => "name_not_resolved",
                        HttpRequestError.ConnectionError
                            when Find<SocketException>(ex) is { SocketErrorCode: SocketError.ConnectionRefused } => "connection_refused",
                        HttpRequestError.SecureConnectionError => "tls_failed",
                        HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded => "invalid_response",
                        _ => "connection_failed",
                    }
                );
        }
        catch (IOException)
        {
            return status is { } s ? Result(s) : new WebhookSendResult(null, "connection_failed");
        }
    }

    private static WebhookSendResult Result(int status) =>
        status switch
        {
            >= 200 and < 300 => new WebhookSendResult(status, "delivered"),
            >= 300 and < 400 => new WebhookSendResult(status, "redirect_not_followed"),
            _ => new WebhookSendResult(status, "http_status"),
        };

    /// <summary>Reads and drops the answer's first <paramref name="max"/> bytes (a receiver's body is not kept).</summary>
    private static async Task ReadCappedAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(8192, Math.Max(1, max))];
        var left = max;
        while (left > 0)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            left -= read;
        }
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = (Exception?)exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}

/// <summary>
/// The outbound policy for a subscriber URL as it is saved: every address its host resolves to must be public, or
/// allowed by <c>Outbound:AllowedHosts</c>; the connection made at delivery is checked again (<see cref="PolicyCheckedConnector"/>).
/// </summary>
internal sealed class SubscriberUrlPolicy(OutboundAllowList allowList) : ISubscriberUrlPolicy
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        var host = url.IdnHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ResolveTimeout);
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, deadline.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return $"its host {host} could not be resolved";
            }
        }

        foreach (var address in addresses)
        {
            if (!AddressPolicy.IsPublic(address, out var whyNot) && !allowList.Allows(host, url.Port, address))
            {
                return $"{host}:{url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)} is a {whyNot} address that "
                    + "Outbound:AllowedHosts does not allow";
            }
        }

        return addresses.Length == 0 ? $"its host {host} could not be resolved" : null;
    }
}
