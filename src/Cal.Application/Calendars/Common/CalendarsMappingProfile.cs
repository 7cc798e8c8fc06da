using AutoMapper;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.IcsFeeds.Common;

/// <summary>The ICS-feed feature's mappings, all in one profile.</summary>
public sealed class IcsFeedsMappingProfile : Profile
{
    public IcsFeedsMappingProfile()
    {
        CreateMap<Credential, IcsFeedCredentialDto>();
    }
}
