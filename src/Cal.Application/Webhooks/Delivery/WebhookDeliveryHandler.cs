using System.Security.Cryptography;
using Cal.Application.Bookings.Common;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Application.Outbox;
using Cal.Application.Webhooks.Common;
using Cal.Domain.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Application.Webhooks.Delivery;

/// <summary>
/// Makes one attempt of a delivery: cal.com's <c>POST</c> to the webhook's subscriber URL with the body fixed when the
/// change was made, <c>X-Cal-Signature-256</c> over exactly those bytes (keyed with the webhook's current secret),
/// <c>X-Cal-Webhook-Version</c> and the delivery's own <c>X-Cal-Webhook-Id</c>. A 2xx answer is delivered; anything else
/// (another status, a redirect, which is never followed, a timeout, a refused connection) is tried again after the next of
/// <see cref="WebhookOptions.RetryDelays"/>; an address the outbound policy refuses fails at once. Every outcome is
/// recorded on the webhook, which is switched off after <see cref="WebhookOptions.SwitchOffAfter"/> of nothing but failures.
/// </summary>
public sealed partial class WebhookDeliveryHandler(
    IWebhookStore webhooks,
    IBookingStore bookings,
    ISecretProtector secrets,
    IWebhookSender sender,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<WebhookDeliveryHandler> logger
) : IOutboxItemHandler
{
    public OutboxKind Kind => OutboxKind.WebhookDelivery;

    public IReadOnlyList<TimeSpan> RetryDelays => options.Value.EffectiveRetryDelays;

    public async Task<OutboxAttempt> PerformAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        if (item.WebhookId is not { } uid || await webhooks.FindAsync(uid, cancellationToken) is not { } webhook)
        {
            return OutboxAttempt.Done("webhook deleted");
        }

        if (!webhook.Active)
        {
            return new OutboxAttempt(OutboxOutcome.Failed, "webhook is not active");
        }

        var delivery = WebhookDelivery.Read(item);
        var bookingId = delivery.Payload["bookingId"] is null ? await bookings.IdOfAsync(delivery.BookingUid, cancellationToken) : null;
        if (delivery.Body(bookingId) is not var (body, contentType))
        {
            return new OutboxAttempt(
                OutboxOutcome.Failed,
                $"payload template output is over {Common.PayloadTemplate.MaxOutputChars} characters"
            );
        }

        string? secret;
        try
        {
            secret = webhook.ProtectedSecret is { } protectedSecret ? secrets.Unprotect(protectedSecret) : null;
        }
        catch (CryptographicException)
        {
            LogSecretUnreadable(logger, uid);
            return new OutboxAttempt(OutboxOutcome.Failed, "the webhook's secret could not be decrypted");
        }

        var sent = await sender.SendAsync(Request(webhook.SubscriberUrl, item.DeliveryId!, secret, body, contentType), cancellationToken);
        CountAttempt(sent);
        await RecordAsync(uid, webhook.FailingSince, sent);
        return sent.Delivered
            ? OutboxAttempt.Done("delivered", sent.Status)
            : new OutboxAttempt(sent.Blocked ? OutboxOutcome.Failed : OutboxOutcome.Retry, sent.Result, sent.Status);
    }

    /// <summary>cal.com's delivery: the fixed body, its signature under the current secret, the version and delivery id.</summary>
    private static WebhookRequest Request(string subscriberUrl, string deliveryId, string? secret, byte[] body, string contentType) =>
        new(
            new Uri(subscriberUrl),
            contentType,
            body,
            [
                new(WebhookDelivery.SignatureHeader, WebhookDelivery.Signature(secret, body)),
                new(WebhookDelivery.VersionHeader, WebhookDelivery.Version),
                new(WebhookDelivery.IdHeader, deliveryId),
            ]
        );

    private static void CountAttempt(WebhookSendResult sent) =>
        CalMetrics.WebhookAttempts.Count(
            "result",
            sent.Delivered ? "delivered"
                : sent.Blocked ? "blocked"
                : sent.Status is { } s ? $"{s / 100}xx"
                : sent.Result
        );

    /// <summary>The outcome on the webhook, written only when it changes something: a failure, or the first success after
    /// failures.</summary>
    private async Task RecordAsync(string uid, DateTimeOffset? failingSince, WebhookSendResult sent)
    {
        var now = time.GetUtcNow();
        if (
            (!sent.Delivered || failingSince is not null)
            && await webhooks.RecordOutcomeAsync(uid, sent.Delivered, now, now - options.Value.SwitchOffAfter, CancellationToken.None)
        )
        {
            LogSwitchedOff(logger, uid, options.Value.SwitchOffAfter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} switched off: every delivery has failed for {Period}")]
    private static partial void LogSwitchedOff(ILogger logger, string webhookId, TimeSpan period);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Webhook {WebhookId}'s secret could not be decrypted (the key ring changed?); its deliveries fail"
    )]
    private static partial void LogSecretUnreadable(ILogger logger, string webhookId);
}
