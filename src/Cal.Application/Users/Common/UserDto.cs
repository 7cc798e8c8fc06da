namespace Cal.Application.Users.Common;

/// <summary>A user as the admin commands show it (Cal's own: cal.com makes users through its web app).</summary>
public sealed record UserDto(int Id, string Email, string TimeZone);
