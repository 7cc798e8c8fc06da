using AutoMapper;
using Cal.Application.Bookings.Common;
using Cal.Application.Slots.Common;
using Mediator;

namespace Cal.Application.Slots.Queries.GetSlotReservation;

/// <summary>cal.com's <c>GET /v2/slots/reservations/{uid}</c>: an unexpired reservation, without the duration its host chose.</summary>
public sealed record GetSlotReservationQuery(string Uid) : IQuery<SlotReservationDto>;

public sealed class GetSlotReservationQueryHandler(ISlotReservationStore reservations, TimeProvider time, IMapper mapper)
    : IQueryHandler<GetSlotReservationQuery, SlotReservationDto>
{
    public async ValueTask<SlotReservationDto> Handle(GetSlotReservationQuery query, CancellationToken cancellationToken) =>
        mapper.Map<SlotReservationDto>(await reservations.FindActiveAsync(query.Uid, time.GetUtcNow(), cancellationToken)) with
        {
            ReservationDuration = null,
        };
}
