using Cal.Application.Schedules.Commands.CreateSchedule;
using Cal.Application.Schedules.Commands.DeleteSchedule;
using Cal.Application.Schedules.Commands.UpdateSchedule;
using Cal.Application.Schedules.Common;
using Cal.Application.Schedules.Queries.GetDefaultSchedule;
using Cal.Application.Schedules.Queries.GetSchedule;
using Cal.Application.Schedules.Queries.GetSchedules;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>cal.com's schedules (<c>cal-api-version: 2024-06-11</c>): a user's working hours in their own zone.</summary>
[ApiController]
[Authorize]
[Route("v2/schedules")]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
public sealed class SchedulesController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>CreateScheduleInput_2024_06_11</c> (and, every field optional, its update input).</summary>
    public sealed record ScheduleInputDto(
        string? Name,
        string? TimeZone,
        bool? IsDefault,
        IReadOnlyList<AvailabilityDto>? Availability,
        IReadOnlyList<OverrideDto>? Overrides
    );

    [HttpPost]
    [Consumes("application/json")]
    [RequestSizeLimit(64 * 1024)]
    [ProducesResponseType<SuccessEnvelope<ScheduleDto>>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ScheduleInputDto? body,
        CancellationToken cancellationToken
    )
    {
        var created = await mediator.Send(
            new CreateScheduleCommand(
                User.GetUserId(),
                body?.Name,
                body?.TimeZone,
                body?.IsDefault,
                AvailabilityInput.Parse(body?.Availability),
                OverridesInput.Parse(body?.Overrides)
            ),
            cancellationToken
        );
        return StatusCode(StatusCodes.Status201Created, new SuccessEnvelope<ScheduleDto>(created));
    }

    [HttpGet]
    [ProducesResponseType<SuccessEnvelope<IReadOnlyList<ScheduleDto>>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> List(CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<IReadOnlyList<ScheduleDto>>(await mediator.Send(new GetSchedulesQuery(User.GetUserId()), cancellationToken))
        );

    [HttpGet("default")]
    [ProducesResponseType<SuccessEnvelope<ScheduleDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Default(CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<ScheduleDto?>(await mediator.Send(new GetDefaultScheduleQuery(User.GetUserId()), cancellationToken)));

    [HttpGet("{scheduleId:int}")]
    [ProducesResponseType<SuccessEnvelope<ScheduleDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(int scheduleId, CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<ScheduleDto>(await mediator.Send(new GetScheduleQuery(User.GetUserId(), scheduleId), cancellationToken)));

    [HttpPatch("{scheduleId:int}")]
    [Consumes("application/json")]
    [RequestSizeLimit(64 * 1024)]
    [ProducesResponseType<SuccessEnvelope<ScheduleDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Update(
        int scheduleId,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ScheduleInputDto? body,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<ScheduleDto>(
                await mediator.Send(
                    new UpdateScheduleCommand(
                        User.GetUserId(),
                        scheduleId,
                        body?.Name,
                        body?.TimeZone,
                        body?.IsDefault,
                        AvailabilityInput.Parse(body?.Availability),
                        OverridesInput.Parse(body?.Overrides)
                    ),
                    cancellationToken
                )
            )
        );

    [HttpDelete("{scheduleId:int}")]
    [ProducesResponseType<SuccessEnvelope<ScheduleDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Delete(int scheduleId, CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<ScheduleDto>(
                await mediator.Send(new DeleteScheduleCommand(User.GetUserId(), scheduleId), cancellationToken)
            )
        );
}
