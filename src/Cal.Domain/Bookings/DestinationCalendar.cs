using Cal.Domain.Common;

namespace Cal.Domain.Bookings;

/// <summary>Where a host's bookings are written (cal.com's <c>DestinationCalendar</c>): one calendar of one of their credentials.</summary>
public sealed class DestinationCalendar : Entity
{
    private DestinationCalendar()
    {
        Integration = ExternalId = "";
    }

    public int UserId { get; private set; }

    /// <summary>The credential's type (<c>apple_calendar</c>, <c>caldav_calendar</c>).</summary>
    public string Integration { get; private set; }

    /// <summary>The calendar's URL.</summary>
    public string ExternalId { get; private set; }

    public int CredentialId { get; private set; }

    public static DestinationCalendar Of(int userId, string integration, string externalId, int credentialId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(integration);
        ArgumentException.ThrowIfNullOrWhiteSpace(externalId);
        return new DestinationCalendar
        {
            UserId = userId,
            Integration = integration,
            ExternalId = externalId,
            CredentialId = credentialId,
        };
    }
}
