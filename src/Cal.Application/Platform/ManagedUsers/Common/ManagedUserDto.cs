using System.Text.Json;

namespace Cal.Application.Platform.ManagedUsers.Common;

/// <summary>
/// cal.com's <c>ManagedUserOutput</c>, in its order: <c>id, email, username, name, bio, timeZone, weekStart, createdDate,
/// timeFormat, defaultScheduleId</c>, then <c>locale, avatarUrl, metadata</c>. <c>createdDate</c> in UTC with milliseconds
/// (<c>...Z</c>), as JavaScript writes dates; <c>username</c> is the email slugified, as cal.com derives it;
/// <c>defaultScheduleId</c> is null until schedules exist.
/// </summary>
public sealed record ManagedUserDto(
    int Id,
    string Email,
    string Username,
    string? Name,
    string? Bio,
    string TimeZone,
    string WeekStart,
    DateTime CreatedDate,
    int TimeFormat,
    int? DefaultScheduleId,
    string? Locale,
    string? AvatarUrl,
    JsonElement? Metadata
);
