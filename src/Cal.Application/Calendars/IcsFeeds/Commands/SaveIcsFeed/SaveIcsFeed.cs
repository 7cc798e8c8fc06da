using AutoMapper;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Application.Calendars.IcsFeeds.Commands.SaveIcsFeed;

/// <summary>cal.com's <c>POST /v2/calendars/ics-feed/save</c>: check every feed, then store them as one credential.</summary>
public sealed record SaveIcsFeedCommand(int UserId, IcsFeedUrlsInput Urls, bool? ReadOnly)
    : ICommand<CalendarCredentialDto>,
        IValidated,
        IChangesUserCalendars;

public sealed class SaveIcsFeedCommandHandler(
    IIcsFeedFetcher fetcher,
    IIcsFeedChecker checker,
    ISecretProtector protector,
    ICredentialRepository credentials,
    IMapper mapper,
    IOptions<IcsFeedSaveOptions> saveOptions,
    TimeProvider time,
    ILogger<SaveIcsFeedCommandHandler> logger
) : ICommandHandler<SaveIcsFeedCommand, CalendarCredentialDto>
{
    public async ValueTask<CalendarCredentialDto> Handle(SaveIcsFeedCommand command, CancellationToken cancellationToken)
    {
        // Parsed where the request came in; the validation behaviour has refused any problem.
        var urls = command.Urls.Urls;

        var failures = await CheckAllFeedsAsync(urls, command.UserId, cancellationToken);
        if (failures.Count > 0)
        {
            logger.LogInformation(
                "ICS feed save for user {UserId} refused: {FailureCount} of {FeedCount} feeds unusable",
                command.UserId,
                failures.Count,
                urls.Count
            );
            throw new IcsFeedsUnusableException(failures);
        }

        var settings = new IcsFeedCredentialSecret(urls.Select(u => u.Original).ToList(), command.ReadOnly ?? true);
        var credential = await credentials.SaveIcsFeedAsync(
            command.UserId,
            protector.Protect(IcsFeedSecretSerializer.Serialize(settings)),
            cancellationToken
        );

        logger.LogInformation(
            "Saved ICS feed credential {CredentialId} for user {UserId}: {FeedCount} feeds from {Hosts}",
            credential.Id,
            command.UserId,
            urls.Count,
            urls.Select(u => u.Host).Distinct(StringComparer.OrdinalIgnoreCase).ToArray()
        );
        return mapper.Map<CalendarCredentialDto>(credential);
    }

    /// <summary>
    /// Feeds in parallel (up to <see cref="IcsFeedSaveOptions.MaxConcurrentFetchesPerSave"/> at a time), so a save takes
    /// about as long as its slowest feed, bounded by the save timeout.
    /// </summary>
    private async Task<List<IndexedFeedFailure>> CheckAllFeedsAsync(
        IReadOnlyList<IcsFeedUrl> urls,
        int userId,
        CancellationToken cancellationToken
    )
    {
        using var deadline = new CancellationTokenSource(saveOptions.Value.SaveTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        var results = new FeedFailure?[urls.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = saveOptions.Value.MaxConcurrentFetchesPerSave };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, urls.Count),
            parallel,
            async (i, _) => results[i] = await CheckFeedAsync(urls[i], userId, linked.Token)
        );
        cancellationToken.ThrowIfCancellationRequested();

        return results
            .Select((failure, index) => failure is null ? null : new IndexedFeedFailure(index, failure))
            .OfType<IndexedFeedFailure>()
            .ToList();
    }

    /// <summary>The feed is checked as it streams in: fetch and parse are one pass, and nothing is buffered whole.</summary>
    private async Task<FeedFailure?> CheckFeedAsync(IcsFeedUrl url, int userId, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(
            url,
            userId,
            async (body, ct) => (await checker.CheckAsync(body, ct)).AsOutboundResult(),
            cancellationToken
        );
        return fetched.Failure;
    }
}
