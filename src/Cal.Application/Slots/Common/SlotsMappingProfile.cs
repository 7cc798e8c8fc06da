using AutoMapper;
using Cal.Domain.Bookings;

namespace Cal.Application.Slots.Common;

/// <summary>
/// The slots feature's mappings: a reservation as cal.com's reserved slot (2024-09-04) shows it. Its
/// <c>reservationDuration</c> is shown only to the host who chose it: the handler clears it for anyone else.
/// </summary>
public sealed class SlotsMappingProfile : Profile
{
    public SlotsMappingProfile()
    {
        CreateMap<SlotReservation, SlotReservationDto>()
            .ForCtorParam(nameof(SlotReservationDto.SlotDuration), o => o.MapFrom(r => (int)(r.SlotEnd - r.SlotStart).TotalMinutes))
            .ForCtorParam(nameof(SlotReservationDto.ReservationUid), o => o.MapFrom(r => r.Uid))
            .ForCtorParam(nameof(SlotReservationDto.ReservationDuration), o => o.MapFrom(r => (int?)r.ReservationMinutes))
            .ForCtorParam(nameof(SlotReservationDto.ReservationUntil), o => o.MapFrom(r => r.ReservedUntil));
    }
}
