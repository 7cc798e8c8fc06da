using Cal.Domain.Common;

namespace Cal.Domain.Calendars;

/// <summary>
/// One calendar of a credential the user has taken out of their busy times (cal.com's <c>SelectedCalendar</c>, stored the
/// other way round: every calendar starts selected). The calendar is known by a hash of its external id, which for an
/// ICS feed is a secret URL.
/// </summary>
public sealed class CalendarDeselection : Entity
{
    private CalendarDeselection(int userId, int credentialId, string integration, string externalIdHash)
    {
        UserId = userId;
        CredentialId = credentialId;
        Integration = integration;
        ExternalIdHash = externalIdHash;
    }

    public int UserId { get; private set; }

    public int CredentialId { get; private set; }

    /// <summary>The credential's type (cal.com's <c>integration</c>, e.g. <c>ics-feed_calendar</c>).</summary>
    public string Integration { get; private set; }

    public string ExternalIdHash { get; private set; }

    public static CalendarDeselection Of(int userId, int credentialId, string integration, string externalIdHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(integration);
        ArgumentException.ThrowIfNullOrWhiteSpace(externalIdHash);
        return new CalendarDeselection(userId, credentialId, integration, externalIdHash);
    }
}
