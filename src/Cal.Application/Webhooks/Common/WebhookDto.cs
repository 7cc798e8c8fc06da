using System.Text.Json.Serialization;
using Cal.Application.Webhooks.Delivery;
using Cal.Domain.Outbox;
using Cal.Domain.Webhooks;

namespace Cal.Application.Webhooks.Common;

/// <summary>
/// cal.com's <c>UserWebhookOutputDto</c> (with <c>userId</c>) and <c>EventTypeWebhookOutputDto</c> (with
/// <c>eventTypeId</c>). The secret is returned to its owner, as cal.com returns it.
/// </summary>
public sealed record WebhookDto(
    string Id,
    string SubscriberUrl,
    IReadOnlyList<string> Triggers,
    bool Active,
    string? PayloadTemplate,
    string? Secret
)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? UserId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? EventTypeId { get; init; }

    public static WebhookDto From(Webhook webhook, string? secret) =>
        new(webhook.Uid, webhook.SubscriberUrl, webhook.TriggerList, webhook.Active, webhook.PayloadTemplate, secret)
        {
            UserId = webhook.EventTypeId is null ? webhook.OwnerUserId : null,
            EventTypeId = webhook.EventTypeId,
        };
}

/// <summary>One delivery of a webhook, as <c>GET /v2/webhooks/{id}/deliveries</c> lists it.</summary>
public sealed record WebhookDeliveryDto(
    string Id,
    string TriggerEvent,
    string Status,
    int Attempts,
    int? LastStatus,
    string? LastResult,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? FailedAt
)
{
    public static WebhookDeliveryDto From(OutboxItem item) =>
        new(
            item.DeliveryId ?? "",
            WebhookDelivery.Read(item).Trigger,
            item.CompletedAt is not null ? "delivered"
                : item.FailedAt is not null ? "failed"
                : "pending",
            item.Attempts,
            item.LastStatus,
            item.LastResult,
            item.CreatedAt,
            item.LastAttemptAt,
            item.IsPending ? item.NextAttemptAt : null,
            item.CompletedAt,
            item.FailedAt
        );
}
