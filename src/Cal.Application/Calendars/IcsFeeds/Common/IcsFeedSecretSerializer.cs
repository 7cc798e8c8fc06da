using System.Text.Json;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.IcsFeeds.Common;

/// <summary>The serialised form of <see cref="IcsFeedCredentialSecret"/> inside the protected credential key.</summary>
public static class IcsFeedSecretSerializer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(IcsFeedCredentialSecret settings) => JsonSerializer.Serialize(settings, Json);

    public static IcsFeedCredentialSecret Deserialize(string json) =>
        JsonSerializer.Deserialize<IcsFeedCredentialSecret>(json, Json) ?? throw new InvalidOperationException("Empty ICS feed secret.");
}
