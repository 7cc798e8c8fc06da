using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cal.Application.Common.Interfaces;

namespace Cal.Application.Calendars.CalDav.Common;

/// <summary>
/// What a CalDAV credential's protected key holds: the server, the username and password, the calendars found when
/// the account was added or its calendar home was last revalidated, and that home (null for an account added by a
/// calendar's own URL, or by a version of Cal that did not keep it: discovered again when revalidated).
/// </summary>
public sealed record CalDavSettings(
    string ServerUrl,
    string Username,
    string Password,
    IReadOnlyList<CalDavCalendar> Calendars,
    string? HomeUrl = null
)
{
    public CalDavAccount Account => new(new Uri(ServerUrl), Username, Password);

    /// <summary>Never the password.</summary>
    public override string ToString() => $"{Username} at {ServerUrl}";
}

/// <summary>The serialised form of <see cref="CalDavSettings"/> inside the protected key, and the account's stored identity.</summary>
public static class CalDavSecret
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(CalDavSettings settings) => JsonSerializer.Serialize(settings, Json);

    public static CalDavSettings Deserialize(string json) =>
        JsonSerializer.Deserialize<CalDavSettings>(json, Json) ?? throw new InvalidOperationException("Empty CalDAV secret.");

    /// <summary>
    /// What identifies an account (the server's origin and the username, lower-case): keyed by the server's secret into the
    /// credential's <c>Account</c> (<see cref="IAccountKeys"/>), so one username on one server is one credential (adding it
    /// again updates its password), and the database holds neither in clear nor in a form a list of e-mails can be tried against.
    /// </summary>
    public static string AccountIdentity(Uri serverUrl, string username) =>
        serverUrl.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + "\n" + username.Trim().ToLowerInvariant();

    /// <summary>The form earlier versions stored: an unsalted SHA-256 of <see cref="AccountIdentity"/> (64 hex characters), migrated at
    /// start.</summary>
    public static string LegacyAccountKey(Uri serverUrl, string username) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AccountIdentity(serverUrl, username))));
}
