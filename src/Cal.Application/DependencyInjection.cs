using Cal.Application.ApiKeys;
using Cal.Application.Authentication;
using Cal.Application.Bookings.Common;
using Cal.Application.Bookings.SideEffects;
using Cal.Application.Calendars.CalDav;
using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Interfaces;
using Cal.Application.DestinationCalendars.Commands.SetDestinationCalendar;
using Cal.Application.Outbox;
using Cal.Application.Platform.Tokens;
using Cal.Application.Slots.Common;
using Cal.Application.Webhooks.Common;
using Cal.Application.Webhooks.Delivery;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cal.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Validators, mapping profiles, options and services of the use cases, and the calendar providers. The mediator itself is
    /// generated in the host (Mediator.SourceGenerator runs in the outermost project) and registered there.
    /// </summary>
    public static IServiceCollection AddApplicationServices(this IServiceCollection services, IConfiguration configuration)
    {
        // stateless: built once, not per request
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddAutoMapper(cfg => cfg.LicenseKey = configuration["AutoMapper:LicenseKey"], typeof(DependencyInjection).Assembly);
        services.AddApplicationOptions(configuration);
        services.AddSingleton<CalDavAccountCalendars>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<AuthenticatedBearerCache>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AnonymousAvailabilityLimit>();

        services.AddScoped(sp => new UserCalendarsReader(sp, sp.GetRequiredService<IUserCalendarsCache>()));
        services.AddScoped<BusyTimeService>();
        services.AddScoped<EventTypeAvailability>();
        services.AddScoped<BookingAccess>();
        services.AddScoped<BookingSideEffects>();
        services.AddScoped<ICalendarsRemovedHandler, ClearRemovedDestination>();
        services.AddScoped<WebhookAccess>();
        services.AddScoped<IBookingSideEffectSource, WebhookSideEffects>();
        services.AddOutboxHandler<CalendarPutHandler>();
        services.AddOutboxHandler<CalendarDeleteHandler>();
        services.AddOutboxHandler<WebhookDeliveryHandler>();

        // Calendar providers: each registered here, once.
        services.AddCalendarProvider<IcsFeedCalendarProvider>();
        services.AddCalendarProvider<AppleCalendarProvider>();
        services.AddCalendarProvider<CalDavCalendarProvider>();
        return services;
    }

    /// <summary>Every options section of the use cases, bound, validated (data annotations and the rules below) at start-up.</summary>
    private static void AddApplicationOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<IcsFeedSaveOptions>(configuration, IcsFeedSaveOptions.SectionName);
        services.AddValidatedOptions<BusyTimesOptions>(configuration, BusyTimesOptions.SectionName);
        services.AddValidatedOptions<ApiKeyOptions>(configuration, ApiKeyOptions.SectionName);
        services.AddValidatedOptions<AuthOptions>(configuration, AuthOptions.SectionName);
        services
            .AddValidatedOptions<AppleCalendarOptions>(configuration, AppleCalendarOptions.SectionName)
            .Validate(
                o => o.ServerUrl.IsAbsoluteUri && (o.ServerUrl.Scheme == Uri.UriSchemeHttps || o.ServerUrl.Scheme == Uri.UriSchemeHttp),
                "Providers:Apple:ServerUrl must be an absolute http or https URL."
            );
        services.AddValidatedOptions<CalDavOptions>(configuration, CalDavOptions.SectionName);
        services
            .AddValidatedOptions<OutboxOptions>(configuration, OutboxOptions.SectionName)
            .Validate(o => o.RetryDelays.All(d => d > TimeSpan.Zero), "Outbox:RetryDelays must all be positive.");
        services
            .AddValidatedOptions<WebhookOptions>(configuration, WebhookOptions.SectionName)
            .Validate(o => o.RetryDelays.All(d => d > TimeSpan.Zero), "Webhooks:RetryDelays must all be positive.");
        services.AddValidatedOptions<AnonymousAvailabilityOptions>(configuration, AnonymousAvailabilityOptions.SectionName);
    }

    private static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(
        this IServiceCollection services,
        IConfiguration configuration,
        string section
    )
        where TOptions : class =>
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>An outbox handler, resolvable by its own type (the worker asks for the one an item's kind needs, not for them
    /// all).</summary>
    private static void AddOutboxHandler<THandler>(this IServiceCollection services)
        where THandler : class, IOutboxItemHandler
    {
        services.AddScoped<THandler>();
        services.AddScoped<IOutboxItemHandler>(sp => sp.GetRequiredService<THandler>());
    }
}
