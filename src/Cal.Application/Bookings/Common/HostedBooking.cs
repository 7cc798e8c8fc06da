using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using Cal.Domain.Users;

namespace Cal.Application.Bookings.Common;

/// <summary>A booking with its host and event type (null when deleted since): what cal.com's booking output is made from.</summary>
public sealed record HostedBooking(Booking Booking, User Host, EventType? EventType);
