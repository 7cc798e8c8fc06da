using System.Security.Cryptography;
using System.Text;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// Which of a credential's calendars a request reads: those named (busy-times' <c>calendarsToLoad</c>), or all of them,
/// less those the user deselected (<c>DELETE /v2/selected-calendars</c>). Calendars are known here by a hash of their
/// external id: an ICS feed's external id is its secret URL, and what is stored about selections must not be it.
/// </summary>
public sealed class CalendarSelection(IReadOnlyCollection<string>? only, IReadOnlySet<string> deselectedHashes)
{
    /// <summary>No deselections.</summary>
    public static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    public static CalendarSelection All { get; } = new(null, None);

    public bool Includes(string externalId) => (only is null || only.Contains(externalId)) && !IsDeselected(externalId);

    public bool IsDeselected(string externalId) => deselectedHashes.Count > 0 && deselectedHashes.Contains(Hash(externalId));

    /// <summary>SHA-256 of the external id, lower-case hex: what selections are stored by.</summary>
    public static string Hash(string externalId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(externalId)));
}
