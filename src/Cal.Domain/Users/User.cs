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

    /// <summary>cal.com's username: the email slugified (<c>alice+cl1@example.com</c> is <c>alice-cl1-example-com</c>).</summary>
    public string Username => Slugify(Email);

    /// <summary>cal.com's <c>slugify</c>: lower case, every run of other characters one <c>-</c>, none at either end.</summary>
    public static string Slugify(string text)
    {
        var slug = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }

    public string? Bio { get; private set; }

    /// <summary>The user's default schedule (cal.com's <c>defaultScheduleId</c>), null until they have one.</summary>
    public int? DefaultScheduleId { get; private set; }

    public void UseDefaultSchedule(int? scheduleId) => DefaultScheduleId = scheduleId;

    /// <summary>The first day of the user's week (cal.com's <c>weekStart</c>: Monday ... Sunday).</summary>
    public string WeekStart { get; private set; } = DefaultWeekStart;

    /// <summary>12 or 24 (cal.com's <c>timeFormat</c>).</summary>
    public int TimeFormat { get; private set; } = DefaultTimeFormat;

    public string? Locale { get; private set; }

    public string? AvatarUrl { get; private set; }

    /// <summary>The platform customer's own key/value data, as a JSON object (cal.com's <c>metadata</c>).</summary>
    public string? Metadata { get; private set; }

    public const string DefaultWeekStart = "Sunday";

    public const int DefaultTimeFormat = 12;

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
        return new User(
            email.Trim().ToLowerInvariant(),
            string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone.Trim(),
            name,
            now
        );
    }

    /// <summary>A new email (normalised as at creation); its uniqueness is the database's to decide.</summary>
    public void ChangeEmail(string email)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        Email = email.Trim().ToLowerInvariant();
    }

    public void Rename(string? name) => Name = name;

    /// <summary>Sets what is given of cal.com's profile fields; what is null stays.</summary>
    public void UpdateProfile(
        string? bio = null,
        string? weekStart = null,
        int? timeFormat = null,
        string? locale = null,
        string? avatarUrl = null,
        string? metadata = null
    )
    {
        if (timeFormat is { } format && format is not (12 or 24))
        {
            throw new ArgumentOutOfRangeException(nameof(timeFormat), format, "12 or 24.");
        }

        Bio = bio ?? Bio;
        WeekStart = weekStart ?? WeekStart;
        TimeFormat = timeFormat ?? TimeFormat;
        Locale = locale ?? Locale;
        AvatarUrl = avatarUrl ?? AvatarUrl;
        Metadata = metadata ?? Metadata;
    }

    /// <summary>A new IANA zone. Existing schedules keep their own zones (as cal.com does).</summary>
    public void MoveToTimeZone(string timeZone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZone);
        TimeZone = timeZone.Trim();
    }
}
