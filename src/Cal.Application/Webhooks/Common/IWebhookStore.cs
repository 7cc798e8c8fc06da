using Cal.Domain.Outbox;
using Cal.Domain.Webhooks;

namespace Cal.Application.Webhooks.Common;

/// <summary>Webhooks and their deliveries (outbox items of kind <see cref="OutboxKind.WebhookDelivery"/>).</summary>
public interface IWebhookStore
{
    /// <summary>Adds it; false when its owner (or event type) has one with its subscriber URL already.</summary>
    Task<bool> AddAsync(Webhook webhook, CancellationToken cancellationToken);

    Task<Webhook?> FindAsync(string uid, CancellationToken cancellationToken);

    /// <summary>A user's own webhooks (<paramref name="eventTypeId"/> null) or an event type's, oldest first.</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(int ownerUserId, int? eventTypeId, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Saves a change; false when the new subscriber URL is another of the same scope's.</summary>
    Task<bool> UpdateAsync(Webhook webhook, CancellationToken cancellationToken);

    Task DeleteAsync(Webhook webhook, CancellationToken cancellationToken);

    /// <summary>Deletes an event type's webhooks; how many.</summary>
    Task<int> DeleteForEventTypeAsync(int eventTypeId, CancellationToken cancellationToken);

    /// <summary>The active webhooks a change of a booking of <paramref name="eventTypeId"/> hosted by <paramref name="hostUserId"/>
    /// fires.</summary>
    Task<IReadOnlyList<Webhook>> FiringAsync(int hostUserId, int eventTypeId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a delivery's outcome on its webhook: a success clears its failing streak; a failure starts one (if none is
    /// running) and, when the streak began at or before <paramref name="switchOffIfFailingSince"/>, switches the webhook
    /// off. True when this call switched it off.
    /// </summary>
    Task<bool> RecordOutcomeAsync(
        string uid,
        bool delivered,
        DateTimeOffset now,
        DateTimeOffset switchOffIfFailingSince,
        CancellationToken cancellationToken
    );

    /// <summary>A webhook's latest deliveries, newest first.</summary>
    Task<IReadOnlyList<OutboxItem>> DeliveriesAsync(string uid, int take, CancellationToken cancellationToken);

    /// <summary>Makes a delivery due again now (a fresh set of attempts when it was done or failed); null when there is no such
    /// delivery.</summary>
    Task<OutboxItem?> RedeliverAsync(string uid, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Sends one webhook request (the outbound policy applied at connect time; redirects never followed).</summary>
public interface IWebhookSender
{
    Task<WebhookSendResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken);
}

public sealed record WebhookRequest(Uri Url, string ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>What an attempt came to: the answer's status (null when none came), and a short reason (never the URL).</summary>
public sealed record WebhookSendResult(int? Status, string Result, bool Blocked = false)
{
    public bool Delivered => Status is >= 200 and < 300;
}

/// <summary>The outbound policy for subscriber URLs, checked when a webhook is saved (it is checked again at every connection).</summary>
public interface ISubscriberUrlPolicy
{
    /// <summary>Why Cal may not send to <paramref name="url"/>, or null when it may.</summary>
    Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken);
}
