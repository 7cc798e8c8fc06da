using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cal.Application.Webhooks.Common;
using Cal.Domain.Outbox;

namespace Cal.Application.Webhooks.Delivery;

/// <summary>
/// What one delivery sends, as its outbox item holds it: the trigger, its time, the booking's payload and the template
/// as they were when the change was made. The body is a function of these alone (the booking's id, unknown until the
/// change's insert, is filled in from its uid), so every attempt sends the same bytes.
/// </summary>
public sealed record WebhookDelivery(string Trigger, string CreatedAt, string BookingUid, string? Template, JsonObject Payload)
{
    public const string SignatureHeader = "X-Cal-Signature-256";

    public const string VersionHeader = "X-Cal-Webhook-Version";

    public const string IdHeader = "X-Cal-Webhook-Id";

    public const string Version = "2021-10-20";

    public const string NoSecret = "no-secret-provided";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string OrderKey(string webhookUid, string rootUid) => $"webhook:{webhookUid}:{rootUid}";

    public static string NewId() => "del_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static WebhookDelivery Read(OutboxItem item) => JsonSerializer.Deserialize<WebhookDelivery>(item.Payload, Json)!;

    /// <summary>The body and its content type; null when the template's output is past its cap.</summary>
    public (byte[] Body, string ContentType)? Body(int? bookingId)
    {
        var payload = (JsonObject)Payload.DeepClone();
        if (bookingId is { } id && payload["bookingId"] is null)
        {
            payload["bookingId"] = id;
        }

        if (Template is null)
        {
            var envelope = new JsonObject
            {
                ["triggerEvent"] = Trigger,
                ["createdAt"] = CreatedAt,
                ["payload"] = payload,
            };
            return (Encoding.UTF8.GetBytes(envelope.ToJsonString()), "application/json");
        }

        // As cal.com: the template is over the payload's fields plus triggerEvent and createdAt.
        payload["triggerEvent"] = Trigger;
        payload["createdAt"] = CreatedAt;
        var template = PayloadTemplate.Parse(Template, out _);
        if (template?.Render(payload) is not { } rendered)
        {
            return null;
        }

        return (
            Encoding.UTF8.GetBytes(rendered),
            template.IsJson || IsJson(rendered) ? "application/json" : "application/x-www-form-urlencoded"
        );
    }

    /// <summary>cal.com's signature: lowercase hex HMAC-SHA256 of the body, keyed with the secret's UTF-8 bytes.</summary>
    public static string Signature(string? secret, byte[] body) =>
        string.IsNullOrEmpty(secret) ? NoSecret : Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
