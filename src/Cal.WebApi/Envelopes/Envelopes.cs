using System.Text.Json.Serialization;

namespace Cal.WebApi.Envelopes;

/// <summary>cal.com's success envelope: <c>{"status":"success","data":...}</c>.</summary>
public sealed record SuccessEnvelope<T>([property: JsonPropertyOrder(1)] T Data)
{
    [JsonPropertyOrder(0)]
    public string Status => "success";
}

/// <summary>cal.com's success envelope without data: <c>{"status":"success"}</c>.</summary>
public sealed record SuccessEnvelope
{
    public string Status => "success";
}

/// <summary>cal.com's error envelope, used for every 4xx and 5xx.</summary>
public sealed record ErrorEnvelope(string Timestamp, string Path, ErrorBody Error)
{
    [JsonPropertyOrder(-1)]
    public string Status => "error";
}

public sealed record ErrorBody(string Code, string Message, object? Details);
