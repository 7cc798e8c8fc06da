using Cal.Domain.Common;

namespace Cal.Domain.Calendars;

/// <summary>
/// A user's connection to a calendar app, as cal.com models it. The secret part (for an ICS feed:
/// its URLs and read-only flag) is held only in protected form; the domain never sees it in clear.
/// One credential per user, type and <see cref="Account"/> (an ICS-feed credential has no account; a CalDAV user may
/// connect several accounts).
/// </summary>
public sealed class Credential : Entity
{
    private Credential(int userId, string type, string appId, string account, string protectedKey)
    {
        UserId = userId;
        Type = type;
        AppId = appId;
        Account = account;
        ProtectedKey = protectedKey;
    }

    public int UserId { get; private set; }

    public int? TeamId { get; private set; }

    public string Type { get; private set; }

    public string AppId { get; private set; }

    /// <summary>
    /// Which account of the provider this is, among the user's credentials of one type: empty for a provider with one
    /// credential per user (ICS feeds); for CalDAV a hash of the server and username (never the username itself).
    /// </summary>
    public string Account { get; private set; }

    /// <summary>The credential's secret, encrypted by the secret protector.</summary>
    public string ProtectedKey { get; private set; }

    public bool Invalid { get; private set; }

    /// <summary>The provider refused the credential (revoked token, deleted feed); cal.com stops using it until it is saved
    /// again.</summary>
    public void MarkInvalid() => Invalid = true;

    public static Credential ForIcsFeed(int userId, string protectedKey) =>
        Create(userId, CalendarApps.IcsFeed.Type, CalendarApps.IcsFeed.AppId, protectedKey);

    /// <summary>A credential of any provider; <paramref name="type"/> is cal.com's <c>&lt;app&gt;_calendar</c> name.</summary>
    public static Credential Create(int userId, string type, string appId, string protectedKey, string account = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        ArgumentException.ThrowIfNullOrWhiteSpace(protectedKey);
        ArgumentNullException.ThrowIfNull(account);
        return new Credential(userId, type, appId, account, protectedKey);
    }
}
