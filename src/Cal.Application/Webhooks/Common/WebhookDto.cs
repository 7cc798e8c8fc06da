using System.Text.Json.Serialization;

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
}
