using System.Text.Json;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using Cal.Domain.Users;

namespace Cal.Application.Bookings.Common;

/// <summary>A booking with its host and event type (null when deleted since): what cal.com's booking output is made from.</summary>
public sealed record HostedBooking(Booking Booking, User Host, EventType? EventType)
{
    /// <summary>The guests the booker gave, read once from the booking's stored list (<c>guests</c> and the responses show
    /// them).</summary>
    public List<string> Guests { get; } = JsonSerializer.Deserialize<List<string>>(Booking.Guests) ?? [];
}
