using Cal.Application.Calendars.Common;
using Cal.WebApi.Controllers;
using Cal.WebApi.Envelopes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Cal.WebApi.Hosting;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and its interactive reference (<c>/docs</c>), named as cal.com names
/// things.</summary>
public static class OpenApiSetup
{
    /// <summary>cal.com's schema names for Cal's types, so generated clients look like cal.com's.</summary>
    private static readonly Dictionary<Type, string> CalComNames = new()
    {
        [typeof(CalendarsController.CreateIcsFeedInputDto)] = "CreateIcsFeedInputDto",
        [typeof(CalendarCredentialDto)] = "CreateIcsFeedOutput",
        [typeof(SuccessEnvelope<CalendarCredentialDto>)] = "CreateIcsFeedOutputResponseDto",
        [typeof(CalendarsController.DisconnectRequest)] = "DeleteCalendarCredentialsInputBodyDto",
        [typeof(CalendarsController.CreateCalendarCredentialsInputDto)] = "CreateCalendarCredentialsInputDto",
        [typeof(ErrorEnvelope)] = "ErrorResponseDto",
        [typeof(PlatformController.CreateManagedUserInput)] = "CreateManagedUserInput",
        [typeof(PlatformController.CreateManagedUserOutput)] = "CreateManagedUserData",
        [typeof(SuccessEnvelope<PlatformController.CreateManagedUserOutput>)] = "CreateManagedUserOutput",
        [typeof(PlatformController.RefreshTokenInput)] = "RefreshTokenInput",
        [typeof(SuccessEnvelope<Cal.Application.Platform.Tokens.TokenPairDto>)] = "KeysResponseDto",
        [typeof(Cal.Application.Platform.Tokens.TokenPairDto)] = "KeysDto",
        [typeof(PlatformController.UpdateManagedUserInput)] = "UpdateManagedUserInput",
        [typeof(Cal.Application.Platform.ManagedUsers.Common.ManagedUserDto)] = "ManagedUserOutput",
        [typeof(SuccessEnvelope<Cal.Application.Platform.ManagedUsers.Common.ManagedUserDto>)] = "GetManagedUserOutput",
        [typeof(SuccessEnvelope<IReadOnlyList<Cal.Application.Platform.ManagedUsers.Common.ManagedUserDto>>)] = "GetManagedUsersOutput",
        [typeof(Cal.Application.Calendars.Queries.GetConnectedCalendars.ConnectedCalendarsDto)] = "ConnectedCalendarsData",
        [typeof(SuccessEnvelope<Cal.Application.Calendars.Queries.GetConnectedCalendars.ConnectedCalendarsDto>)] =
            "ConnectedCalendarsOutput",
        [typeof(Cal.Application.Calendars.Queries.GetConnectedCalendars.ConnectedCalendarDto)] = "ConnectedCalendar",
        [typeof(Cal.Application.Calendars.Queries.GetConnectedCalendars.CalendarDto)] = "Calendar",
        [typeof(Cal.Application.Calendars.Queries.GetConnectedCalendars.IntegrationDto)] = "Integration",
        [typeof(CalendarsController.BusyTimesEnvelope)] = "GetBusyTimesOutput",
        [typeof(CalendarsController.BusyTimeDto)] = "BusyTimesOutput",
        [typeof(ApiKeysController.RefreshApiKeyInput)] = "RefreshApiKeyInput",
        [typeof(ApiKeysController.ApiKeyOutput)] = "ApiKeyOutput",
        [typeof(SuccessEnvelope<ApiKeysController.ApiKeyOutput>)] = "RefreshApiKeyOutput",
        [typeof(SelectedCalendarsController.SelectedCalendarsInputDto)] = "SelectedCalendarsInputDto",
        [typeof(SchedulesController.ScheduleInputDto)] = "CreateScheduleInput_2024_06_11",
        [typeof(EventTypesController.EventTypeInputDto)] = "CreateEventTypeInput_2024_06_14",
        [typeof(Cal.Application.Slots.Common.SlotDto)] = "SlotOutput_2024_09_04",
        [typeof(SlotsController.AvailableSlotsOutput)] = "GetAvailableSlotsOutputData",
        [typeof(SlotsController.AvailableSlot)] = "AvailableSlot",
        [typeof(SuccessEnvelope<SlotsController.AvailableSlotsOutput>)] = "GetAvailableSlotsOutput",
        [typeof(SuccessEnvelope<IReadOnlyDictionary<string, IReadOnlyList<Cal.Application.Slots.Common.SlotDto>>>)] =
            "GetSlotsOutput_2024_09_04",
        [typeof(Cal.Application.EventTypes.Common.EventTypeDto)] = "EventTypeOutput_2024_06_14",
        [typeof(SuccessEnvelope<Cal.Application.EventTypes.Common.EventTypeDto>)] = "GetEventTypeOutput_2024_06_14",
        [typeof(SuccessEnvelope<IReadOnlyList<Cal.Application.EventTypes.Common.EventTypeDto>>)] = "GetEventTypesOutput_2024_06_14",
        [typeof(Cal.Application.Schedules.Common.ScheduleDto)] = "ScheduleOutput_2024_06_11",
        [typeof(Cal.Application.Schedules.Common.AvailabilityDto)] = "ScheduleAvailabilityInput_2024_06_11",
        [typeof(Cal.Application.Schedules.Common.OverrideDto)] = "ScheduleOverrideInput_2024_06_11",
        [typeof(SuccessEnvelope<Cal.Application.Schedules.Common.ScheduleDto>)] = "GetScheduleOutput_2024_06_11",
        [typeof(SuccessEnvelope<IReadOnlyList<Cal.Application.Schedules.Common.ScheduleDto>>)] = "GetSchedulesOutput_2024_06_11",
        [typeof(Cal.Application.Calendars.SelectedCalendars.Common.SelectedCalendarDto)] = "SelectedCalendarOutputDto",
        [typeof(SuccessEnvelope<Cal.Application.Calendars.SelectedCalendars.Common.SelectedCalendarDto>)] =
            "SelectedCalendarOutputResponseDto",
        [typeof(Cal.Application.Bookings.Common.BookingDto)] = "BookingOutput_2024_08_13",
        [typeof(SuccessEnvelope<Cal.Application.Bookings.Common.BookingDto>)] = "GetBookingOutput_2024_08_13",
        [typeof(BookingsController.BookingsOutput)] = "GetBookingsOutput_2024_08_13",
        [typeof(Cal.Application.Bookings.Common.BookingHostDto)] = "BookingHost",
        [typeof(Cal.Application.Bookings.Common.BookingEventTypeDto)] = "BookingEventType",
        [typeof(Cal.Application.Bookings.Common.BookingAttendeeDto)] = "BookingAttendee",
        [typeof(Cal.Application.Bookings.Common.PaginationDto)] = "PaginationMetaDto",
        [typeof(Cal.Application.Calendars.Queries.GetConnectedCalendars.DestinationCalendarDto)] = "DestinationCalendar",
        [typeof(Cal.Application.DestinationCalendars.Common.DestinationCalendarSetDto)] = "DestinationCalendarsOutputDto",
        [typeof(SuccessEnvelope<Cal.Application.DestinationCalendars.Common.DestinationCalendarSetDto>)] =
            "DestinationCalendarsOutputResponseDto",
        [typeof(Cal.Application.Slots.Common.SlotReservationDto)] = "ReserveSlotOutput_2024_09_04",
        [typeof(SuccessEnvelope<Cal.Application.Slots.Common.SlotReservationDto>)] = "ReserveSlotOutputResponse_2024_09_04",
        [typeof(Cal.Application.Webhooks.Common.WebhookDto)] = "WebhookOutputDto",
        [typeof(SuccessEnvelope<Cal.Application.Webhooks.Common.WebhookDto>)] = "WebhookOutputResponseDto",
        [typeof(SuccessEnvelope<IReadOnlyList<Cal.Application.Webhooks.Common.WebhookDto>>)] = "WebhooksOutputResponseDto",
        [typeof(SuccessEnvelope<string>)] = "DeleteManyWebhooksOutputResponseDto",
        [typeof(WebhookRoutesController.WebhookInputDto)] = "CreateWebhookInputDto",
        [typeof(Cal.Application.Webhooks.Common.WebhookDeliveryDto)] = "WebhookDeliveryOutput",
        [typeof(SuccessEnvelope<Cal.Application.Webhooks.Common.WebhookDeliveryDto>)] = "WebhookDeliveryOutputResponse",
        [typeof(SuccessEnvelope<IReadOnlyList<Cal.Application.Webhooks.Common.WebhookDeliveryDto>>)] = "WebhookDeliveriesOutputResponse",
    };

    /// <summary>Examples as cal.com's documentation gives them.</summary>
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(CalendarsController.CreateIcsFeedInputDto)] =
            """{"urls":["https://cal.example.com/team.ics","webcal://cal.example.com/home.ics"],"readOnly":false}""",
        [typeof(SuccessEnvelope<CalendarCredentialDto>)] =
            """{"status":"success","data":{"id":1,"type":"ics-feed_calendar","userId":7,"teamId":null,"appId":"ics-feed","invalid":false}}""",
        [typeof(ErrorEnvelope)] =
            """{"status":"error","timestamp":"2026-11-24T10:00:00.000Z","path":"/v2/calendars/ics-feed/save","error":{"code":"BadRequestException","message":"The ICS feed urls[1] could not be used: The feed answered HTTP 404.","details":{"feeds":[{"index":1,"field":"urls[1]","reason":"http_status","message":"The feed answered HTTP 404.","status":404,"line":null}]}}}""",
        [typeof(CalendarsController.DisconnectRequest)] = """{"id":1}""",
        [typeof(CalendarsController.CreateCalendarCredentialsInputDto)] =
            """{"username":"alice@example.com","password":"app-specific-password","url":"https://caldav.example.com/"}""",
    };

    private const string SecretKeyScheme = "x-cal-secret-key";

    /// <summary>Busy times' plain query parameters, in cal.com's order.</summary>
    private static readonly (string Name, string Description)[] BusyTimesParameters =
    [
        ("dateFrom", "Start of the window: an ISO date (2026-01-05, the start of that day in the time zone) or date-time."),
        ("dateTo", "End of the window: an ISO date (the end of that day in the time zone) or date-time."),
        ("timeZone", "IANA time zone the dates are read in (default: the user's)."),
        ("loggedInUsersTz", "Deprecated alias of timeZone."),
    ];

    public static IServiceCollection AddCalOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(
            "v1",
            options =>
            {
                options.AddSchemaTransformer(AddExample);
                options.CreateSchemaReferenceId = type =>
                    CalComNames.TryGetValue(type.Type, out var name) ? name : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
                options.AddDocumentTransformer(DescribeDocument);
                options.AddOperationTransformer(DeclareBusyTimesQuery);
                options.AddOperationTransformer(AskPlatformSecret);
            }
        );

    private static Task AddExample(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [System.Text.Json.Nodes.JsonNode.Parse(example)!];
        }

        return Task.CompletedTask;
    }

    /// <summary>The title, and the two schemes: bearer (API keys and access tokens) for all, the client secret for the platform.</summary>
    private static Task DescribeDocument(
        OpenApiDocument document,
        OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken
    )
    {
        document.Info = new OpenApiInfo
        {
            Title = "Cal API",
            Version = "v2",
            Description =
                "cal.com's public API v2 for calendars (ICS feeds first). Authenticate with `Authorization: Bearer " + "cal_...`.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description =
                "An API key (`cal_...`, made with `api-keys create`) or a managed user's access token (`calat_...`). An "
                + "expired access token answers 498 (TokenExpiredException): refresh it.",
        };
        document.Components.SecuritySchemes[SecretKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = PlatformController.SecretHeader,
            Description = "An OAuth client's secret (made with `oauth-clients create`), for the platform endpoints.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
        return Task.CompletedTask;
    }

    /// <summary>
    /// Busy times (a hot read) reads its query itself rather than through model binding: its parameters are declared here, with
    /// calendarsToLoad as cal.com declares it (calendarsToLoad[0][credentialId]=..&amp;calendarsToLoad[0][externalId]=..).
    /// </summary>
    private static Task DeclareBusyTimesQuery(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken
    )
    {
        if (
            context.Description.ActionDescriptor is Microsoft.AspNetCore.Mvc.Controllers.ControllerActionDescriptor
            {
                ActionName: nameof(CalendarsController.GetBusyTimes)
            }
        )
        {
            operation.Parameters ??= [];
            foreach (var (name, description) in BusyTimesParameters)
            {
                operation.Parameters.Add(
                    new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Query,
                        Description = description,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    }
                );
            }

            operation.Parameters.Add(
                new OpenApiParameter
                {
                    Name = "calendarsToLoad",
                    In = ParameterLocation.Query,
                    Style = ParameterStyle.DeepObject,
                    Explode = true,
                    Description =
                        "The calendars to read (default: every calendar of the user): "
                        + "calendarsToLoad[0][credentialId]=1&calendarsToLoad[0][externalId]=...",
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Items = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["credentialId"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                                ["externalId"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            },
                            Required = new HashSet<string> { "credentialId" },
                        },
                    },
                }
            );
        }

        return Task.CompletedTask;
    }

    /// <summary>The platform endpoints take the client secret, not a bearer token.</summary>
    private static Task AskPlatformSecret(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken
    )
    {
        if (
            context.Description.ActionDescriptor is Microsoft.AspNetCore.Mvc.Controllers.ControllerActionDescriptor action
            && action.ControllerTypeInfo.AsType() == typeof(PlatformController)
        )
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecretKeyScheme, context.Document)] = [] },
            ];

            // The header is read by the authentication scheme, not bound by the action: named here, after the path
            // parameters.
            operation.Parameters ??= [];
            var afterPath = operation.Parameters.Count(p => p.In == ParameterLocation.Path);
            operation.Parameters.Insert(
                afterPath,
                new OpenApiParameter
                {
                    Name = PlatformController.SecretHeader,
                    In = ParameterLocation.Header,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                }
            );
        }

        return Task.CompletedTask;
    }

    public static WebApplication MapCalOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options.WithTitle("Cal API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        return app;
    }
}
