using AutoMapper;
using Cal.Application.Calendars.Queries.GetConnectedCalendars;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// The calendars feature's mappings, all in one profile: credentials of every provider, and a provider's app as cal.com's
/// <c>connectedCalendars[].integration</c> shows it (cal.com's variant is the category; its location option is null).
/// </summary>
public sealed class CalendarsMappingProfile : Profile
{
    public CalendarsMappingProfile()
    {
        CreateMap<Credential, CalendarCredentialDto>();
        CreateMap<CalendarIntegration, IntegrationDto>()
            .ForCtorParam(nameof(IntegrationDto.Name), o => o.MapFrom(a => a.DisplayName))
            .ForCtorParam(nameof(IntegrationDto.Variant), o => o.MapFrom(a => a.Category))
            .ForCtorParam(nameof(IntegrationDto.Categories), o => o.MapFrom(a => new[] { a.Category }))
            .ForCtorParam(nameof(IntegrationDto.LocationOption), o => o.MapFrom(_ => (object?)null))
            .ForCtorParam(nameof(IntegrationDto.DirName), o => o.MapFrom(a => a.Folder));
    }
}
