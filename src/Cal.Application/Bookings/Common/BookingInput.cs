using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Cal.Application.Calendars.Common;

namespace Cal.Application.Bookings.Common;

/// <summary>The rules a booking's own fields follow (cal.com's create pipe: lengths, counts, zone), shared by its validators.</summary>
public static class BookingInput
{
    public const int MaxGuests = 10;
    public const int MaxMetadataKeys = 50;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataValueLength = 500;
    public const int MaxNameLength = 256;
    public const int MaxEmailLength = 254;
    public const int MaxReasonLength = 1000;

    public const string StartMessage = "must be an ISO date-time with a zone or offset, such as 2027-03-29T07:00:00Z";

    /// <summary>An ISO 8601 date-time with <c>Z</c> or an offset, as cal.com's <c>start</c> (a bare date-time would be
    /// ambiguous).</summary>
    public static bool TryParseStart(string? value, out DateTimeOffset start)
    {
        start = default;
        return value is { Length: >= 16 and <= 40 } text
            && text.Contains('T', StringComparison.Ordinal)
            && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out start)
            && BusyWindowParser.InAnsweredYears(start);
    }

    /// <summary>An e-mail address as people type them (one address, no display name), lower-cased.</summary>
    public static bool IsEmail(string? value) =>
        value is { Length: > 2 and <= MaxEmailLength } text
        && !text.Any(char.IsWhiteSpace)
        && !text.Any(char.IsControl)
        && MailAddress.TryCreate(text, out var address)
        && address.Address == text
        && address.Host.Contains('.', StringComparison.Ordinal);

    public static bool IsName(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= MaxNameLength && !value.Any(char.IsControl);

    /// <summary>What is wrong with metadata (at most 50 keys of up to 40 characters, string values of up to 500), or null.</summary>
    public static string? MetadataProblem(JsonElement? metadata)
    {
        if (metadata is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return "must be an object of string values";
        }

        var count = 0;
        foreach (var property in value.EnumerateObject())
        {
            if (++count > MaxMetadataKeys)
            {
                return $"must have at most {MaxMetadataKeys} keys";
            }

            if (property.Name.Length is 0 or > MaxMetadataKeyLength)
            {
                return $"keys must be 1 to {MaxMetadataKeyLength} characters";
            }

            if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString()!.Length > MaxMetadataValueLength)
            {
                return $"values must be strings of at most {MaxMetadataValueLength} characters";
            }
        }

        return null;
    }
}
