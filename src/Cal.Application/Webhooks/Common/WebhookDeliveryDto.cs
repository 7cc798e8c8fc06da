namespace Cal.Application.Webhooks.Common;

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
);
