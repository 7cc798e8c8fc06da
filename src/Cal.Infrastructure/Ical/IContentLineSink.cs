namespace Cal.Infrastructure.Ical;

/// <summary>
/// What <see cref="IcsStreamingChecker"/> hands on, line by line, as it checks a feed: component boundaries and
/// properties, names already normalised (group prefix and stray spaces removed, upper case not guaranteed).
/// Spans are valid only during the call.
/// </summary>
internal interface IContentLineSink
{
    void OnBegin(ReadOnlySpan<char> component);

    void OnEnd(ReadOnlySpan<char> component);

    /// <summary><paramref name="parameters"/> is the raw text between the name and the colon (<c>;TZID=Europe/Berlin</c>), possibly
    /// empty.</summary>
    void OnProperty(ReadOnlySpan<char> name, ReadOnlySpan<char> parameters, ReadOnlySpan<char> value);
}
