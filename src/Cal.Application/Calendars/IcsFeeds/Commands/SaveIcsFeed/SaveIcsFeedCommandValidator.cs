using Cal.Domain.Calendars;
using FluentValidation;

namespace Cal.Application.Calendars.IcsFeeds.Commands.SaveIcsFeed;

public sealed class SaveIcsFeedCommandValidator : AbstractValidator<SaveIcsFeedCommand>
{
    public const int MaxUrls = 50;

    public SaveIcsFeedCommandValidator()
    {
        RuleFor(c => c.Urls)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("is required: an array of 1 to 50 feed URLs")
            .Must(u => u is { Count: >= 1 and <= MaxUrls }).WithMessage($"must hold between 1 and {MaxUrls} URLs")
            .OverridePropertyName("urls");

        // Each element is reported under its own path (urls[2]) so a client can point at it.
        RuleFor(c => c.Urls)
            .Custom((urls, context) =>
            {
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < urls!.Count; i++)
                {
                    if (!IcsFeedUrl.TryCreate(urls[i], out var url, out var error))
                    {
                        context.AddFailure($"urls[{i}]", error!);
                    }
                    else if (!seen.TryAdd(url!.Identity, i))
                    {
                        context.AddFailure($"urls[{i}]", $"repeats urls[{seen[url.Identity]}]; URLs must be distinct");
                    }
                }
            })
            .When(c => c.Urls is not null);
    }
}
