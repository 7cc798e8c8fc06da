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

    public static User Create(string email, string? timeZone, string? name, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        return new User(email.Trim().ToLowerInvariant(), string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone.Trim(), name, now);
    }
}
