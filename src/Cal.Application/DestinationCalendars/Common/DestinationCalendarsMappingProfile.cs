using AutoMapper;
using Cal.Domain.Bookings;

namespace Cal.Application.DestinationCalendars.Common;

/// <summary>
/// The destination calendars feature's mappings: a stored destination as cal.com's <c>DestinationCalendarsOutputDto</c> shows
/// it. (<c>GET /v2/calendars</c>'s <c>destinationCalendar</c> is composed from the destination and the calendar its provider
/// lists, so its handler builds it.)
/// </summary>
public sealed class DestinationCalendarsMappingProfile : Profile
{
    public DestinationCalendarsMappingProfile()
    {
        CreateMap<DestinationCalendar, DestinationCalendarSetDto>();
    }
}
