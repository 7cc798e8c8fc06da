namespace Cal.WebApi.Hosting;

/// <summary>An incoming <c>X-Request-Id</c> is used when it is 1–64 characters of letters, digits and <c>-_.:</c>.</summary>
public static class RequestIds
{
    public static string? AcceptIncoming(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':') ? value : null;
}
