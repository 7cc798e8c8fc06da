namespace Cal.Domain.Webhooks;

/// <summary>The triggers Cal fires (cal.com's <c>WebhookTriggerEvents</c> for the booking changes Cal has).</summary>
public static class WebhookTriggers
{
    public const string BookingCreated = "BOOKING_CREATED";

    public const string BookingRescheduled = "BOOKING_RESCHEDULED";

    public const string BookingCancelled = "BOOKING_CANCELLED";

    public static IReadOnlyList<string> Supported { get; } = [BookingCreated, BookingRescheduled, BookingCancelled];

    public static bool IsSupported(string? trigger) => trigger is not null && Supported.Contains(trigger, StringComparer.Ordinal);
}
