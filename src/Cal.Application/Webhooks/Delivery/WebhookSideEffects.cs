using Cal.Application.Bookings.Common;
using Cal.Application.Webhooks.Common;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using Cal.Domain.Outbox;
using Cal.Domain.Users;

namespace Cal.Application.Webhooks.Delivery;

/// <summary>
/// The webhook deliveries of a booking change: one outbox item per active webhook that fires for it (the host's own
/// webhooks and the event type's), stored in the change's transaction. A webhook's deliveries of one booking's history
/// share an order key, so they arrive in the order the changes were made.
/// </summary>
public sealed class WebhookSideEffects(IWebhookStore webhooks) : IBookingSideEffectSource
{
    public async Task<IReadOnlyList<OutboxItem>> ForAsync(
        BookingChange change,
        Booking booking,
        Booking? previous,
        User host,
        EventType eventType,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var trigger = WebhookPayload.TriggerOf(change);
        var firing = (await webhooks.FiringAsync(host.Id, eventType.Id, cancellationToken)).Where(w => w.Fires(trigger)).ToList();
        if (firing.Count == 0)
        {
            return [];
        }

        var payload = WebhookPayload.For(change, booking, previous, host, eventType);
        var createdAt = WebhookPayload.Instant(now);
        return
        [
            .. firing.Select(w =>
                OutboxItem.Delivery(
                    w.Uid,
                    WebhookDelivery.NewId(),
                    WebhookDelivery.OrderKey(w.Uid, booking.RootUid),
                    new WebhookDelivery(trigger, createdAt, booking.Uid, w.PayloadTemplate, payload).Serialize(),
                    now
                )
            ),
        ];
    }
}
