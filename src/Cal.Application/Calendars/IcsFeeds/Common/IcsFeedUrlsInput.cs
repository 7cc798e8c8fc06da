using Cal.Application.Common;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.IcsFeeds.Common;

/// <summary>
/// A save's <c>urls</c> as they came in, parsed once, where the request enters: the <see cref="IcsFeedUrl"/>s the
/// handler fetches, or the problems (each under its own path, <c>urls[2]</c>) the validation behaviour reports.
/// </summary>
public sealed class IcsFeedUrlsInput : IParsedInput
{
    public const int MaxUrls = 50;

    private IcsFeedUrlsInput(IReadOnlyList<IcsFeedUrl> urls, IReadOnlyList<InputProblem> problems)
    {
        Urls = urls;
        Problems = problems;
    }

    /// <summary>The URLs, in the order given; empty when there are <see cref="Problems"/>.</summary>
    public IReadOnlyList<IcsFeedUrl> Urls { get; }

    public IReadOnlyList<InputProblem> Problems { get; }

    public static IcsFeedUrlsInput Parse(IReadOnlyList<string?>? urls)
    {
        if (urls is null)
        {
            return Refused(new InputProblem("urls", $"is required: an array of 1 to {MaxUrls} feed URLs"));
        }

        var parsed = new List<IcsFeedUrl>(urls.Count);
        var problems = new List<InputProblem>();
        if (urls.Count is < 1 or > MaxUrls)
        {
            problems.Add(new InputProblem("urls", $"must hold between 1 and {MaxUrls} URLs")); // and each bad element too
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < urls.Count; i++)
        {
            if (!IcsFeedUrl.TryCreate(urls[i], out var url, out var error))
            {
                problems.Add(new InputProblem($"urls[{i}]", error!));
            }
            else if (!seen.TryAdd(url!.Identity, i))
            {
                problems.Add(new InputProblem($"urls[{i}]", $"repeats urls[{seen[url.Identity]}]; URLs must be distinct"));
            }
            else
            {
                parsed.Add(url);
            }
        }

        return problems.Count > 0 ? new([], problems) : new(parsed, []);
    }

    private static IcsFeedUrlsInput Refused(InputProblem problem) => new([], [problem]);
}
