using System.Text.Json;
using AutoMapper;
using Cal.Domain.Bookings;
using Cal.Domain.Users;

namespace Cal.Application.Bookings.Common;

/// <summary>
/// The bookings feature's mappings: a <see cref="HostedBooking"/> as cal.com's <c>BookingOutput_2024_08_13</c> shows it (one
/// host, one attendee; <c>bookingFieldsResponses</c> holds the name, email and guests the booker gave; the cancellation's
/// fields only once cancelled).
/// </summary>
public sealed class BookingsMappingProfile : Profile
{
    public BookingsMappingProfile()
    {
        CreateMap<User, BookingHostDto>()
            .ForCtorParam(nameof(BookingHostDto.Name), o => o.MapFrom(u => u.Name ?? u.Email))
            .ForCtorParam(nameof(BookingHostDto.DisplayEmail), o => o.MapFrom(u => u.Email));
        CreateMap<Booking, BookingAttendeeDto>()
            .ForCtorParam(nameof(BookingAttendeeDto.Name), o => o.MapFrom(b => b.AttendeeName))
            .ForCtorParam(nameof(BookingAttendeeDto.Email), o => o.MapFrom(b => b.AttendeeEmail))
            .ForCtorParam(nameof(BookingAttendeeDto.DisplayEmail), o => o.MapFrom(b => b.AttendeeEmail))
            .ForCtorParam(nameof(BookingAttendeeDto.TimeZone), o => o.MapFrom(b => b.AttendeeTimeZone))
            .ForCtorParam(nameof(BookingAttendeeDto.Language), o => o.MapFrom(b => b.AttendeeLanguage))
            .ForCtorParam(nameof(BookingAttendeeDto.Absent), o => o.MapFrom(_ => false));
        CreateMap<HostedBooking, BookingDto>()
            .ForCtorParam(nameof(BookingDto.Id), o => o.MapFrom(s => s.Booking.Id))
            .ForCtorParam(nameof(BookingDto.Uid), o => o.MapFrom(s => s.Booking.Uid))
            .ForCtorParam(nameof(BookingDto.Title), o => o.MapFrom(s => s.Booking.Title))
            .ForCtorParam(nameof(BookingDto.Description), o => o.MapFrom(s => s.Booking.Description))
            .ForCtorParam(nameof(BookingDto.Hosts), o => o.MapFrom(s => new[] { s.Host }))
            .ForCtorParam(nameof(BookingDto.Status), o => o.MapFrom(s => s.Booking.IsAccepted ? "accepted" : "cancelled"))
            .ForCtorParam(nameof(BookingDto.Start), o => o.MapFrom(s => s.Booking.Start))
            .ForCtorParam(nameof(BookingDto.End), o => o.MapFrom(s => s.Booking.End))
            .ForCtorParam(nameof(BookingDto.Duration), o => o.MapFrom(s => (int)s.Booking.Duration.TotalMinutes))
            .ForCtorParam(nameof(BookingDto.EventTypeId), o => o.MapFrom(s => s.Booking.EventTypeId))
            .ForCtorParam(nameof(BookingDto.EventType), o => o.MapFrom(s => EventTypeOf(s)))
            .ForCtorParam(nameof(BookingDto.Location), o => o.MapFrom(_ => (string?)null))
            .ForCtorParam(nameof(BookingDto.AbsentHost), o => o.MapFrom(_ => false))
            .ForCtorParam(nameof(BookingDto.CreatedAt), o => o.MapFrom(s => s.Booking.CreatedAt))
            .ForCtorParam(nameof(BookingDto.UpdatedAt), o => o.MapFrom(s => s.Booking.UpdatedAt))
            .ForCtorParam(nameof(BookingDto.Metadata), o => o.MapFrom(s => JsonDocument.Parse(s.Booking.Metadata).RootElement.Clone()))
            .ForCtorParam(nameof(BookingDto.IcsUid), o => o.MapFrom(s => s.Booking.IcsUid))
            .ForCtorParam(nameof(BookingDto.Attendees), o => o.MapFrom(s => new[] { s.Booking }))
            .ForCtorParam(nameof(BookingDto.Guests), o => o.MapFrom(s => s.Guests))
            .ForCtorParam(nameof(BookingDto.BookingFieldsResponses), o => o.MapFrom(s => ResponsesOf(s)))
            .ForMember(d => d.CancellationReason, o => o.MapFrom(s => s.Booking.IsAccepted ? null : s.Booking.CancellationReason ?? ""))
            .ForMember(d => d.CancelledByEmail, o => o.MapFrom(s => s.Booking.IsAccepted ? null : s.Booking.CancelledByEmail))
            .ForMember(d => d.RescheduledToUid, o => o.MapFrom(s => s.Booking.RescheduledToUid))
            .ForMember(d => d.RescheduledFromUid, o => o.MapFrom(s => s.Booking.RescheduledFromUid))
            .ForMember(d => d.ReschedulingReason, o => o.MapFrom(s => s.Booking.ReschedulingReason));
    }

    private static BookingEventTypeDto EventTypeOf(HostedBooking source) =>
        new(source.Booking.EventTypeId, source.EventType is { } eventType ? eventType.Slug : "");

    private static Dictionary<string, object> ResponsesOf(HostedBooking source)
    {
        var responses = new Dictionary<string, object> { ["name"] = source.Booking.AttendeeName, ["email"] = source.Booking.AttendeeEmail };
        if (source.Guests.Count > 0)
        {
            responses["guests"] = source.Guests;
        }

        return responses;
    }
}
