using System.Text.Json;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

public static class Json
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            Assert.Fail($"Not JSON (HTTP {(int)response.StatusCode}): {text}");
            throw;
        }
    }

    public static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static StringContent Body(object value) => Body(JsonSerializer.Serialize(value));

    /// <summary>Asserts cal.com's error envelope and returns its <c>error</c> object.</summary>
    public static async Task<JsonElement> AssertErrorEnvelopeAsync(HttpResponseMessage response, int status, string code)
    {
        var json = await ReadAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(status), json.ToString());
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("error"));
            Assert.That(json.GetProperty("path").GetString(), Is.EqualTo(response.RequestMessage!.RequestUri!.AbsolutePath));
            Assert.That(DateTimeOffset.TryParse(json.GetProperty("timestamp").GetString(), out _), Is.True);
            Assert.That(json.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo(code));
            Assert.That(json.GetProperty("error").GetProperty("message").GetString(), Is.Not.Empty);
            Assert.That(json.GetProperty("error").GetProperty("details").ValueKind, Is.EqualTo(JsonValueKind.Object));
        });
        return json.GetProperty("error");
    }

    public static IReadOnlyList<string> ErrorFields(JsonElement error) =>
        error.GetProperty("details").GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToList();

    public static IReadOnlyList<(int Index, string Reason)> FeedFailures(JsonElement error) =>
        error
            .GetProperty("details")
            .GetProperty("feeds")
            .EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("reason").GetString()!))
            .ToList();
}
