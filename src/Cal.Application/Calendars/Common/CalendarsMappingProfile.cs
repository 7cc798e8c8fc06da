using AutoMapper;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.Common;

/// <summary>The calendars feature's mappings (credentials of every provider), all in one profile.</summary>
public sealed class CalendarsMappingProfile : Profile
{
    public CalendarsMappingProfile()
    {
        CreateMap<Credential, CalendarCredentialDto>();
    }
}
