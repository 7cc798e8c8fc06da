using Cal.Domain.Common;

namespace Cal.Domain.Outbox;

/// <summary>What an outbox item does.</summary>
public enum OutboxKind
{
    /// <summary>Write a booking's event to its calendar.</summary>
    CalendarPut,

    /// <summary>Delete a booking's event from its calendar.</summary>
    CalendarDelete,

    /// <summary>Deliver one webhook payload to one subscriber.</summary>
    WebhookDelivery,
}

/// <summary>
/// One side effect of a change (a calendar write, a webhook delivery), stored in the change's own transaction and
/// performed afterwards, at least once: claimed with a lease (<see cref="LeaseUntil"/>), so one worker at a time performs
/// it and a crashed one's item is taken up again; retried with growing delays; performed after every earlier item of
/// its <see cref="OrderKey"/> (one booking's history, per destination) is done.
/// </summary>
public sealed class OutboxItem : Entity
{
    private OutboxItem()
    {
        OrderKey = Payload = "";
    }

    public OutboxKind Kind { get; private set; }

    /// <summary>Items of one key are performed in the order they were made (one booking's calendar writes; its deliveries to one
    /// webhook).</summary>
    public string OrderKey { get; private set; }

    /// <summary>What the item needs, as JSON (a booking uid; a delivery's exact body and headers).</summary>
    public string Payload { get; private set; }

    /// <summary>The webhook a delivery is for (null for calendar writes), so a webhook's deliveries can be listed.</summary>
    public string? WebhookId { get; private set; }

    /// <summary>A delivery's own id (sent as <c>X-Cal-Webhook-Id</c>, the same on every attempt and redelivery); null for calendar
    /// writes.</summary>
    public string? DeliveryId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset? LastAttemptAt { get; private set; }

    /// <summary>What the last attempt came to (an HTTP status, or a short reason), never a secret.</summary>
    public string? LastResult { get; private set; }

    public int? LastStatus { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public DateTimeOffset? FailedAt { get; private set; }

    public bool IsPending => CompletedAt is null && FailedAt is null;

    public static OutboxItem Create(OutboxKind kind, string orderKey, string payload, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderKey);
        return new OutboxItem
        {
            Kind = kind,
            OrderKey = orderKey,
            Payload = payload,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary>One delivery of a webhook payload, identified by <paramref name="deliveryId"/>.</summary>
    public static OutboxItem Delivery(string webhookId, string deliveryId, string orderKey, string payload, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(webhookId);
        ArgumentException.ThrowIfNullOrWhiteSpace(deliveryId);
        var item = Create(OutboxKind.WebhookDelivery, orderKey, payload, now);
        item.WebhookId = webhookId;
        item.DeliveryId = deliveryId;
        return item;
    }

    /// <summary>
    /// Records an attempt by the worker holding the lease: done, due again at <paramref name="retryAt"/>, or failed for
    /// good (<paramref name="retryAt"/> null and not done); the lease is let go of.
    /// </summary>
    public void Record(bool done, DateTimeOffset? retryAt, string result, int? status, DateTimeOffset now)
    {
        Attempts++;
        LastAttemptAt = now;
        LastResult = result.Length > 256 ? result[..256] : result;
        LastStatus = status;
        LeaseOwner = null;
        LeaseUntil = null;
        CompletedAt = done ? now : null;
        FailedAt = !done && retryAt is null ? now : null;
        NextAttemptAt = retryAt ?? NextAttemptAt;
    }

    /// <summary>Made pending again (a redelivery asked for by the webhook's owner).</summary>
    public void Retry(DateTimeOffset now)
    {
        FailedAt = null;
        CompletedAt = null;
        Attempts = 0;
        NextAttemptAt = now;
    }
}
