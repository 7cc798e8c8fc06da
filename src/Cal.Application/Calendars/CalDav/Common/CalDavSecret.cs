using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cal.Application.Common.Interfaces;

namespace Cal.Application.Calendars.CalDav.Common;

/// <summary>
/// What a CalDAV credential's protected key holds: the server, the username and password, and the calendars found when
/// the account was added (listed without asking the server; saving the account again refreshes them).
/// </summary>
public sealed record CalDavSettings(string ServerUrl, string Username, string Password, IReadOnlyList<CalDavCalendar> Calendars)
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
    /// The credential's <c>Account</c>: SHA-256 of the server's origin and the username (lower-case), so one username on one
    /// server is one credential (adding it again updates its password), and the database holds neither in clear.
    /// </summary>
    public static string AccountKey(Uri serverUrl, string username) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            serverUrl.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + "\n" + username.Trim().ToLowerInvariant())));
}
