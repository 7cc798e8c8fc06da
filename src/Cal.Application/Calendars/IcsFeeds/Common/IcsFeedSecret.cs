using System.Text.Json;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.IcsFeeds.Common;

/// <summary>The serialised form of <see cref="IcsFeedSettings"/> inside the protected credential key.</summary>
public static class IcsFeedSecret
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(IcsFeedSettings settings) => JsonSerializer.Serialize(settings, Json);

    public static IcsFeedSettings Deserialize(string json) =>
        JsonSerializer.Deserialize<IcsFeedSettings>(json, Json) ?? throw new InvalidOperationException("Empty ICS feed secret.");
}
