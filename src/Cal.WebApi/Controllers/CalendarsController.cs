using System.Globalization;
using System.Text.RegularExpressions;
using Cal.Application.Calendars.CalDav.Commands.SaveCalDavAccount;
using Cal.Application.Calendars.Commands.DisconnectCalendar;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Commands.SaveIcsFeed;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Calendars.Queries.CheckCalendar;
using Cal.Application.Calendars.Queries.GetBusyTimes;
using Cal.Application.Calendars.Queries.GetConnectedCalendars;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

[ApiController]
[Authorize]
[Route("v2/calendars")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(CalBearerAuthenticationHandler.TokenExpiredStatus)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status500InternalServerError)]
public sealed partial class CalendarsController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>CreateIcsFeedInputDto</c>; unknown fields are ignored.</summary>
    public sealed record CreateIcsFeedInputDto(List<string?>? Urls, bool? ReadOnly);

    [HttpPost("ics-feed/save")]
    [Consumes("application/json")]
    [RequestSizeLimit(256 * 1024)]
    [ProducesResponseType<SuccessEnvelope<CalendarCredentialDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<IActionResult> SaveIcsFeed(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateIcsFeedInputDto? body,
        CancellationToken cancellationToken
    )
    {
        var credential = await mediator.Send(
            new SaveIcsFeedCommand(User.GetUserId(), IcsFeedUrlsInput.Parse(body?.Urls), body?.ReadOnly),
            cancellationToken
        );
        return StatusCode(StatusCodes.Status201Created, new SuccessEnvelope<CalendarCredentialDto>(credential));
    }

    /// <summary>cal.com's <c>DeleteCalendarCredentialsInputBodyDto</c>.</summary>
    public sealed record DisconnectRequest(int? Id);

    /// <summary>cal.com's <c>CreateCalendarCredentialsInputDto</c> (+ <c>url</c> for <c>caldav</c>: the server or principal URL).</summary>
    public sealed record CreateCalendarCredentialsInputDto(string? Username, string? Password, string? Url)
    {
        /// <summary>Never the password.</summary>
        public override string ToString() => $"CreateCalendarCredentialsInputDto {{ Username = {Username}, Url = {Url} }}";
    }

    /// <summary>Adds (or, same username again, updates) an Apple or CalDAV account after discovering its calendars.</summary>
    [HttpPost("{calendar}/credentials")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<CalendarCredentialDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<IActionResult> SaveCalendarCredentials(
        string calendar,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CreateCalendarCredentialsInputDto? body,
        CancellationToken cancellationToken
    )
    {
        var credential = await mediator.Send(
            new SaveCalDavAccountCommand(User.GetUserId(), calendar, body?.Url, body?.Username, body?.Password),
            cancellationToken
        );
        return StatusCode(StatusCodes.Status201Created, new SuccessEnvelope<CalendarCredentialDto>(credential));
    }

    /// <summary>Whether the caller's credentials of <c>{calendar}</c> (<c>ics-feed</c>, <c>apple</c>, <c>caldav</c>) can be read
    /// now.</summary>
    [HttpGet("{calendar}/check")]
    [ProducesResponseType<SuccessEnvelope>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> CheckCalendar(string calendar, CancellationToken cancellationToken)
    {
        await mediator.Send(new CheckCalendarQuery(User.GetUserId(), calendar), cancellationToken);
        return Ok(new SuccessEnvelope());
    }

    [HttpGet("")]
    [ProducesResponseType<SuccessEnvelope<ConnectedCalendarsDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> GetConnectedCalendars() => // no parameter to bind: the hot read skips model binding
        // the read model's object: its JSON made once
        CachedResponseJson.Ok(
            HttpContext,
            await mediator.Send(new GetConnectedCalendarsQuery(User.GetUserId()), HttpContext.RequestAborted)
        );

    /// <summary>Deletes the caller's credential of <c>{calendar}</c> (<c>ics-feed</c>, <c>apple</c>, <c>caldav</c>) and its
    /// secret.</summary>
    [HttpPost("{calendar}/disconnect")]
    [Consumes("application/json")]
    [RequestSizeLimit(16 * 1024)]
    [ProducesResponseType<SuccessEnvelope<CalendarCredentialDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<IActionResult> DisconnectCalendar(
        string calendar,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DisconnectRequest? body,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<CalendarCredentialDto>(
                await mediator.Send(new DisconnectCalendarCommand(User.GetUserId(), calendar, body?.Id), cancellationToken)
            )
        );

    [HttpGet("busy-times")]
    [ProducesResponseType<BusyTimesEnvelope>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IActionResult> GetBusyTimes()
    {
        // Read from the query here rather than bound by MVC (binding four strings cost this hot read a sixth of its throughput); the
        // OpenAPI document declares them (OpenApiSetup), with calendarsToLoad.
        var query = Request.Query;
        var cancellationToken = HttpContext.RequestAborted;
        var window = BusyWindowInput.Parse(
            query["dateFrom"],
            query["dateTo"],
            query["timeZone"],
            query["loggedInUsersTz"],
            User.GetTimeZone()
        );
        return new BusyTimesResult(
            await mediator.Send(new GetBusyTimesQuery(User.GetUserId(), window, CalendarsToLoad(query)), cancellationToken)
        );
    }

    /// <summary>cal.com's <c>{"start","end","source"}</c> items, times in UTC with milliseconds.</summary>
    public sealed record BusyTimeDto(string Start, string End, string? Source);

    /// <summary>
    /// The success envelope, plus <c>truncated</c> naming any calendar whose busy times were cut short by the budget
    /// (empty when none). The OpenAPI document's shape; <see cref="BusyTimesResult"/> writes it.
    /// </summary>
    public sealed record BusyTimesEnvelope(
        [property: System.Text.Json.Serialization.JsonPropertyOrder(1)] IReadOnlyList<BusyTimeDto> Data,
        [property: System.Text.Json.Serialization.JsonPropertyOrder(2)] IReadOnlyList<TruncatedCalendar> Truncated
    )
    {
        [System.Text.Json.Serialization.JsonPropertyOrder(0)]
        public string Status => "success";
    }

    /// <summary><c>calendarsToLoad[0][credentialId]=1&amp;calendarsToLoad[0][externalId]=...</c> (also <c>[0].credentialId</c>), in index
    /// order.</summary>
    private static List<CalendarToLoad> CalendarsToLoad(IQueryCollection query)
    {
        var byIndex = new SortedDictionary<int, (string? CredentialId, string? ExternalId)>();
        foreach (var (key, value) in query)
        {
            var match = CalendarsToLoadKey().Match(key);
            if (
                !match.Success
                || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || index > 1000
            )
            {
                continue;
            }

            var entry = byIndex.GetValueOrDefault(index);
            entry = match.Groups[2].Value.Equals("credentialId", StringComparison.OrdinalIgnoreCase)
                ? entry with
                {
                    CredentialId = value,
                }
                : entry with
                {
                    ExternalId = value,
                };
            byIndex[index] = entry;
        }

        return byIndex
            .Values.Select(e => new CalendarToLoad(
                int.TryParse(e.CredentialId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null,
                e.ExternalId
            ))
            .ToList();
    }

    [GeneratedRegex(@"^calendarsToLoad\[(\d+)\](?:\[|\.)(credentialId|externalId)\]?$", RegexOptions.IgnoreCase)]
    private static partial Regex CalendarsToLoadKey();
}
