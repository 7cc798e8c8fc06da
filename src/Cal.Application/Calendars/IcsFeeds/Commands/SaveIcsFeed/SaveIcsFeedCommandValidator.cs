using Cal.Application.Common;
using FluentValidation;

namespace Cal.Application.Calendars.IcsFeeds.Commands.SaveIcsFeed;

/// <summary>Reports what parsing the URLs found (<see cref="Common.IcsFeedUrlsInput"/>), each under its own path.</summary>
public sealed class SaveIcsFeedCommandValidator : AbstractValidator<SaveIcsFeedCommand>
{
    public SaveIcsFeedCommandValidator() => RuleFor(c => c.Urls).ReportsItsProblems();
}
