using Cal.Application.Common.Exceptions;

namespace Cal.Application.Webhooks.Common;

/// <summary>A webhook's subscriber URL checked against the outbound address policy when it is created or changed.</summary>
internal static class SubscriberUrls
{
    public static async Task CheckAsync(ISubscriberUrlPolicy policy, string url, CancellationToken cancellationToken)
    {
        if (await policy.RefusalAsync(new Uri(url), cancellationToken) is { } why)
        {
            throw new BadRequestException($"subscriberUrl is not allowed: {why}");
        }
    }

    public static string Taken(WebhookScope scope) =>
        scope.EventTypeId is null
            ? "Webhook with this subscriber url already exists for this user"
            : "Webhook with this subscriber url already exists for this event type";
}
