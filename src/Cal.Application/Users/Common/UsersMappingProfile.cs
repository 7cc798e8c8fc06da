using AutoMapper;
using Cal.Domain.Users;

namespace Cal.Application.Users.Common;

/// <summary>The users feature's mappings.</summary>
public sealed class UsersMappingProfile : Profile
{
    public UsersMappingProfile()
    {
        CreateMap<User, UserDto>();
    }
}
