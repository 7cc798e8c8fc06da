using System.Text.Json;
using AutoMapper;
using Cal.Domain.Users;

namespace Cal.Application.Platform.ManagedUsers.Common;

/// <summary>The managed users feature's mappings: a user as cal.com's <c>ManagedUserOutput</c> shows it.</summary>
public sealed class ManagedUsersMappingProfile : Profile
{
    public ManagedUsersMappingProfile()
    {
        CreateMap<User, ManagedUserDto>()
            .ForCtorParam(nameof(ManagedUserDto.CreatedDate), o => o.MapFrom(u => ToMilliseconds(u.CreatedAt)))
            .ForCtorParam(nameof(ManagedUserDto.Metadata), o => o.MapFrom(u => ToJson(u.Metadata)));
    }

    /// <summary>UTC, cut to milliseconds as JavaScript writes dates (<c>...123Z</c>).</summary>
    private static DateTime ToMilliseconds(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    private static JsonElement? ToJson(string? metadata) => metadata is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;
}
