using Cal.Domain.Common;

namespace Cal.Domain.Webhooks;

/// <summary>
/// A subscriber told of booking changes (cal.com's webhook): a user's own (<c>UserId</c>) or an event type's
/// (<see cref="EventTypeId"/>). Its secret is held only in protected form. A webhook whose every delivery has failed since
/// <see cref="FailingSince"/> for long enough is switched off.
/// </summary>
public sealed class Webhook : Entity
{
    private Webhook()
    {
        Uid = SubscriberUrl = Triggers = UniqueKey = "";
    }

    /// <summary>Its scope (the user's own, or the event type) and a hash of its URL: one webhook per URL per scope, as cal.com has (unique
    /// in the database).</summary>
    public string UniqueKey { get; private set; }

    /// <summary>The webhook's public id (cal.com's webhook ids are strings).</summary>
    public string Uid { get; private set; }

    /// <summary>The owner of a user webhook; for an event type's, the event type's owner (who manages it).</summary>
    public int OwnerUserId { get; private set; }

    /// <summary>Set for an event type's webhook; null for a user's.</summary>
    public int? EventTypeId { get; private set; }

    public string SubscriberUrl { get; private set; }

    /// <summary>The triggers, comma-separated (<c>BOOKING_CREATED,BOOKING_CANCELLED</c>).</summary>
    public string Triggers { get; private set; }

    public bool Active { get; private set; }

    public string? PayloadTemplate { get; private set; }

    /// <summary>The signing secret, protected (null: none; deliveries then say <c>no-secret-provided</c>).</summary>
    public string? ProtectedSecret { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The first failed delivery since the last one that succeeded (null: the last delivery succeeded, or none yet).</summary>
    public DateTimeOffset? FailingSince { get; private set; }

    public IReadOnlyList<string> TriggerList => Triggers.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static Webhook Create(
        string uid,
        int ownerUserId,
        int? eventTypeId,
        string subscriberUrl,
        IReadOnlyCollection<string> triggers,
        bool active,
        string? payloadTemplate,
        string? protectedSecret,
        DateTimeOffset now
    )
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriberUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        var webhook = new Webhook
        {
            Uid = uid,
            OwnerUserId = ownerUserId,
            EventTypeId = eventTypeId,
            SubscriberUrl = subscriberUrl,
            Triggers = string.Join(',', triggers),
            Active = active,
            PayloadTemplate = string.IsNullOrEmpty(payloadTemplate) ? null : payloadTemplate,
            ProtectedSecret = string.IsNullOrEmpty(protectedSecret) ? null : protectedSecret,
            CreatedAt = now,
        };
        webhook.UniqueKey = webhook.KeyOf(subscriberUrl);
        return webhook;
    }

    /// <summary>Changes what is given; what is null stays; an empty template or secret removes it.</summary>
    public void Change(
        string? subscriberUrl,
        IReadOnlyCollection<string>? triggers,
        bool? active,
        string? payloadTemplate,
        string? protectedSecret
    )
    {
        SubscriberUrl = subscriberUrl ?? SubscriberUrl;
        UniqueKey = KeyOf(SubscriberUrl);
        Triggers = triggers is null ? Triggers : string.Join(',', triggers);
        if (active is { } on)
        {
            Active = on;
            FailingSince = on ? null : FailingSince;
        }

        PayloadTemplate =
            payloadTemplate is null ? PayloadTemplate
            : payloadTemplate.Length == 0 ? null
            : payloadTemplate;
        ProtectedSecret =
            protectedSecret is null ? ProtectedSecret
            : protectedSecret.Length == 0 ? null
            : protectedSecret;
    }

    private string KeyOf(string url) =>
        (
            EventTypeId is { } eventTypeId
                ? "e" + eventTypeId.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "u" + OwnerUserId.ToString(System.Globalization.CultureInfo.InvariantCulture)
        )
        + ":"
        + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)));

    public bool Fires(string trigger) => Active && TriggerList.Contains(trigger, StringComparer.Ordinal);
}
