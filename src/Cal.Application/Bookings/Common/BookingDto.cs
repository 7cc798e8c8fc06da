using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cal.Application.Bookings.Common;

/// <summary>cal.com's <c>BookingOutput_2024_08_13</c>: the fields of a one-host, non-seated, non-recurring event type's booking.</summary>
public sealed record BookingDto(
    int Id,
    string Uid,
    string Title,
    string Description,
    IReadOnlyList<BookingHostDto> Hosts,
    string Status,
    DateTimeOffset Start,
    DateTimeOffset End,
    int Duration,
    int EventTypeId,
    BookingEventTypeDto EventType,
    string? Location,
    bool AbsentHost,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    JsonElement Metadata,
    string IcsUid,
    IReadOnlyList<BookingAttendeeDto> Attendees,
    IReadOnlyList<string> Guests,
    IReadOnlyDictionary<string, object> BookingFieldsResponses
)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CancellationReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CancelledByEmail { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RescheduledToUid { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RescheduledFromUid { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReschedulingReason { get; init; }
}

/// <summary>cal.com's booking host.</summary>
public sealed record BookingHostDto(int Id, string Name, string Email, string DisplayEmail, string Username, string TimeZone);

/// <summary>cal.com's <c>eventType</c> of a booking.</summary>
public sealed record BookingEventTypeDto(int Id, string Slug);

/// <summary>cal.com's booking attendee.</summary>
public sealed record BookingAttendeeDto(string Name, string Email, string DisplayEmail, string TimeZone, string Language, bool Absent);

/// <summary>cal.com's <c>pagination</c> of a list.</summary>
public sealed record PaginationDto(
    int ReturnedItems,
    int TotalItems,
    int ItemsPerPage,
    int RemainingItems,
    int CurrentPage,
    int TotalPages,
    bool HasNextPage,
    bool HasPreviousPage
)
{
    public static PaginationDto Of(int returned, int total, int take, int skip)
    {
        var pages = take == 0 ? 0 : (int)Math.Ceiling(total / (double)take);
        var current = take == 0 ? 1 : (skip / take) + 1;
        return new PaginationDto(
            returned,
            total,
            take,
            Math.Max(0, total - skip - returned),
            current,
            pages,
            skip + returned < total,
            skip > 0
        );
    }
}

/// <summary>A page of bookings with cal.com's pagination.</summary>
public sealed record BookingsPage(IReadOnlyList<BookingDto> Bookings, PaginationDto Pagination);
