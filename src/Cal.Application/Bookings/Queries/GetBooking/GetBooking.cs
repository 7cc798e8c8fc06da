using AutoMapper;
using Cal.Application.Bookings.Common;
using Mediator;

namespace Cal.Application.Bookings.Queries.GetBooking;

/// <summary>cal.com's <c>GET /v2/bookings/{uid}</c>: the uid is the secret (see <see cref="BookingAccess"/>).</summary>
public sealed record GetBookingQuery(string Uid, int? CallerUserId) : IQuery<BookingDto>;

public sealed class GetBookingQueryHandler(BookingAccess access, IMapper mapper) : IQueryHandler<GetBookingQuery, BookingDto>
{
    public async ValueTask<BookingDto> Handle(GetBookingQuery query, CancellationToken cancellationToken)
    {
        var (booking, host, eventType) = await access.FindAsync(query.Uid, query.CallerUserId, cancellationToken);
        return mapper.Map<BookingDto>(new HostedBooking(booking, host, eventType));
    }
}
