namespace Cal.Domain.Calendars;

/// <summary>
/// An ICS feed address as Cal accepts it: an absolute http, https or webcal URL of at most
/// <see cref="MaxLength"/> characters. <c>webcal</c> is the same feed over https. The path is not
/// judged (feeds are judged by content), unlike cal.com's check that wants https URLs to end in .ics.
/// </summary>
public sealed class IcsFeedUrl
{
    public const int MaxLength = 2048;

    private IcsFeedUrl(string original, Uri fetchUri)
    {
        Original = original;
        FetchUri = fetchUri;
    }

    /// <summary>The URL as the user gave it; this is what is stored and listed back.</summary>
    public string Original { get; }

    /// <summary>The URL to fetch: <c>webcal</c> rewritten to <c>https</c>.</summary>
    public Uri FetchUri { get; }

    /// <summary>The host, the only part of a feed URL that may be logged.</summary>
    public string Host => FetchUri.IdnHost;

    /// <summary>
    /// What makes two spellings the same feed: scheme after the webcal rewrite, the host in its ASCII
    /// (punycode) form, port, path and query. <c>webcal://bücher.example/f</c> and
    /// <c>https://xn--bcher-kva.example/f</c> are one feed.
    /// </summary>
    public string Identity => $"{FetchUri.Scheme}://{FetchUri.IdnHost}:{FetchUri.Port}{FetchUri.PathAndQuery}";

    public static bool TryCreate(string? value, out IcsFeedUrl? url, out string? error)
    {
        url = null;
        error = Check(value, out var fetchUri);
        if (error is not null)
        {
            return false;
        }

        url = new IcsFeedUrl(value!.Trim(), fetchUri!);
        return true;
    }

    public static IcsFeedUrl Create(string value) =>
        TryCreate(value, out var url, out var error) ? url! : throw new ArgumentException(error, nameof(value));

    private static string? Check(string? value, out Uri? fetchUri)
    {
        fetchUri = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return "must not be empty";
        }

        if (value.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri))
        {
            return "must be an absolute http, https or webcal URL";
        }

        var scheme = uri.Scheme.ToUpperInvariant() switch
        {
            "HTTP" => Uri.UriSchemeHttp,
            "HTTPS" or "WEBCAL" => Uri.UriSchemeHttps,
            _ => null,
        };
        if (scheme is null)
        {
            return "must be an absolute http, https or webcal URL";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return "must name a host";
        }

        if (uri.Port == 0)
        {
            return "must not use port 0";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not contain a user name or password";
        }

        var builder = new UriBuilder(uri) { Scheme = scheme };
        if (uri.IsDefaultPort || string.Equals(uri.Scheme, "webcal", StringComparison.OrdinalIgnoreCase) && uri.Port == 80)
        {
            builder.Port = -1;
        }

        fetchUri = builder.Uri;
        return null;
    }
}
