using Cal.Domain.Common;

namespace Cal.Domain.Users;

public sealed class User : Entity
{
    public const string DefaultTimeZone = "Europe/London";

    private User(string email, string timeZone, string? name, DateTimeOffset createdAt)
    {
        Email = email;
        TimeZone = timeZone;
        Name = name;
        CreatedAt = createdAt;
    }

    public string Email { get; private set; }

    /// <summary>IANA time zone id, e.g. <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; private set; }

    public string? Name { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The OAuth client that created this user (a managed user), or null for a user of this server.</summary>
    public int? OAuthClientId { get; private set; }

    public bool IsManaged => OAuthClientId is not null;

    /// <summary>A managed user: created by a platform customer's OAuth client, on its own behalf.</summary>
    public static User CreateManaged(int oAuthClientId, string email, string? timeZone, string? name, DateTimeOffset now)
    {
        var user = Create(email, timeZone, name, now);
        user.OAuthClientId = oAuthClientId;
        return user;
    }

    public static User Create(string email, string? timeZone, string? name, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        return new User(email.Trim().ToLowerInvariant(), string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone.Trim(), name, now);
    }

    /// <summary>A new email (normalised as at creation); its uniqueness is the database's to decide.</summary>
    public void ChangeEmail(string email)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        Email = email.Trim().ToLowerInvariant();
    }

    public void Rename(string? name) => Name = name;

    /// <summary>A new IANA zone. Existing schedules keep their own zones (as cal.com does).</summary>
    public void MoveToTimeZone(string timeZone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZone);
        TimeZone = timeZone.Trim();
    }
}
