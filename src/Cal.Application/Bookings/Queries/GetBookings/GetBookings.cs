using AutoMapper;
using Cal.Application.Bookings.Common;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using FluentValidation;
using Mediator;

namespace Cal.Application.Bookings.Queries.GetBookings;

/// <summary>
/// cal.com's <c>GET /v2/bookings</c>: the caller's bookings as host. <paramref name="Status"/> is a comma list of
/// <c>upcoming</c>, <c>past</c>, <c>cancelled</c> (none: all).
/// </summary>
public sealed record GetBookingsQuery(
    int UserId,
    string? Status,
    string? AttendeeEmail,
    int? EventTypeId,
    InstantInput? AfterStart,
    InstantInput? BeforeEnd,
    string? SortStart,
    int? Take,
    int? Skip
) : IQuery<BookingsPage>, IValidated;

public sealed class GetBookingsQueryHandler(
    IBookingStore store,
    IUserRepository users,
    IEventTypeRepository eventTypes,
    TimeProvider time,
    IMapper mapper
) : IQueryHandler<GetBookingsQuery, BookingsPage>
{
    public const int DefaultTake = 100;

    public async ValueTask<BookingsPage> Handle(GetBookingsQuery query, CancellationToken cancellationToken)
    {
        var statuses = Statuses(query.Status);
        var take = query.Take ?? DefaultTake;
        var skip = query.Skip ?? 0;
        var filter = new BookingFilter(
            query.UserId,
            statuses.Count == 0 || statuses.Contains("upcoming"),
            statuses.Count == 0 || statuses.Contains("past"),
            statuses.Count == 0 || statuses.Contains("cancelled"),
            query.AttendeeEmail?.Trim().ToLowerInvariant(),
            query.EventTypeId,
            query.AfterStart?.Instant,
            query.BeforeEnd?.Instant,
            string.Equals(query.SortStart, "desc", StringComparison.OrdinalIgnoreCase),
            take,
            skip,
            time.GetUtcNow()
        );
        var (page, total) = await store.ListAsync(filter, cancellationToken);
        var host = await users.FindByIdAsync(query.UserId, cancellationToken);
        var types = (await eventTypes.ListAsync(query.UserId, cancellationToken)).ToDictionary(e => e.Id);
        var bookings = host is null
            ? []
            : page.Select(b => mapper.Map<BookingDto>(new HostedBooking(b, host, types.GetValueOrDefault(b.EventTypeId)))).ToList();
        return new BookingsPage(bookings, PaginationDto.Of(bookings.Count, total, take, skip));
    }

    public static HashSet<string> Statuses(string? status) =>
        (status ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
}

public sealed class GetBookingsQueryValidator : AbstractValidator<GetBookingsQuery>
{
    private static readonly string[] Known = ["upcoming", "past", "cancelled"];

    public GetBookingsQueryValidator()
    {
        RuleFor(q => q.Status)
            .Must(s => GetBookingsQueryHandler.Statuses(s).All(Known.Contains))
            .WithMessage("must be a comma list of upcoming, past, cancelled")
            .OverridePropertyName("status");
        RuleFor(q => q.Take).InclusiveBetween(1, 250).OverridePropertyName("take");
        RuleFor(q => q.Skip).GreaterThanOrEqualTo(0).OverridePropertyName("skip");
        RuleFor(q => q.EventTypeId).GreaterThan(0).OverridePropertyName("eventTypeId");
        RuleFor(q => q.SortStart)
            .Must(s =>
                s is null || s.Equals("asc", StringComparison.OrdinalIgnoreCase) || s.Equals("desc", StringComparison.OrdinalIgnoreCase)
            )
            .WithMessage("must be asc or desc")
            .OverridePropertyName("sortStart");
        RuleFor(q => q.AttendeeEmail).MaximumLength(BookingInput.MaxEmailLength).OverridePropertyName("attendeeEmail");
        RuleFor(q => q.AfterStart).IsInstant().OverridePropertyName("afterStart");
        RuleFor(q => q.BeforeEnd).IsInstant().OverridePropertyName("beforeEnd");
    }
}
