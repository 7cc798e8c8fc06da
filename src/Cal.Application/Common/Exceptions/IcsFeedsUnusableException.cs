using Cal.Domain.Calendars;

namespace Cal.Application.Common.Exceptions;

/// <summary>One or more feeds could not be used; nothing was stored. Each failure names the URL's index, never the URL.</summary>
public sealed class IcsFeedsUnusableException(IReadOnlyList<IndexedFeedFailure> failures)
    : Exception(
        failures.Count == 1
            ? $"The ICS feed urls[{failures[0].Index}] could not be used: {failures[0].Failure.Message}"
            : $"{failures.Count} ICS feeds could not be used."
    )
{
    public IReadOnlyList<IndexedFeedFailure> Failures { get; } = failures;
}

public sealed record IndexedFeedFailure(int Index, FeedFailure Failure);
