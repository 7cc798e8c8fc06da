using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Validators, mapping profiles and options of the use cases. The mediator itself is generated in the
    /// host (Mediator.SourceGenerator runs in the outermost project) and registered there.
    /// </summary>
    public static IServiceCollection AddApplicationServices(this IServiceCollection services, IConfiguration configuration)
    {
        // stateless: built once, not per request
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddAutoMapper(cfg => cfg.LicenseKey = configuration["AutoMapper:LicenseKey"], typeof(DependencyInjection).Assembly);
        services
            .AddOptions<Calendars.IcsFeeds.Common.IcsFeedSaveOptions>()
            .Bind(configuration.GetSection(Calendars.IcsFeeds.Common.IcsFeedSaveOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<BusyTimesOptions>()
            .Bind(configuration.GetSection(BusyTimesOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<ApiKeys.ApiKeyOptions>()
            .Bind(configuration.GetSection(ApiKeys.ApiKeyOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<Authentication.AuthOptions>()
            .Bind(configuration.GetSection(Authentication.AuthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<Calendars.CalDav.Common.AppleCalendarOptions>()
            .Bind(configuration.GetSection(Calendars.CalDav.Common.AppleCalendarOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                o => o.ServerUrl.IsAbsoluteUri && (o.ServerUrl.Scheme == Uri.UriSchemeHttps || o.ServerUrl.Scheme == Uri.UriSchemeHttp),
                "Providers:Apple:ServerUrl must be an absolute http or https URL."
            )
            .ValidateOnStart();
        services
            .AddOptions<Calendars.CalDav.Common.CalDavOptions>()
            .Bind(configuration.GetSection(Calendars.CalDav.Common.CalDavOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Calendars.CalDav.CalDavAccountCalendars>();
        services.AddSingleton<Platform.Tokens.TokenIssuer>();
        services.AddSingleton<Authentication.AuthenticatedBearerCache>();
        services.AddSingleton(TimeProvider.System);

        services.AddScoped(sp => new UserCalendarsReader(sp, sp.GetRequiredService<Common.Interfaces.IUserCalendarsCache>()));
        services.AddScoped<BusyTimeService>();
        services.AddScoped<Slots.Common.EventTypeAvailability>();
        services.AddScoped<Bookings.Common.BookingAccess>();
        services.AddScoped<Bookings.Common.BookingSideEffects>();
        services.AddScoped<
            Calendars.CalDav.ICalendarsRemovedHandler,
            DestinationCalendars.Commands.SetDestinationCalendar.ClearRemovedDestination
        >();
        services
            .AddOptions<Outbox.OutboxOptions>()
            .Bind(configuration.GetSection(Outbox.OutboxOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.RetryDelays.All(d => d > TimeSpan.Zero), "Outbox:RetryDelays must all be positive.")
            .ValidateOnStart();
        services.AddOutboxHandler<Bookings.SideEffects.CalendarPutHandler>();
        services.AddOutboxHandler<Bookings.SideEffects.CalendarDeleteHandler>();
        services
            .AddOptions<Webhooks.Common.WebhookOptions>()
            .Bind(configuration.GetSection(Webhooks.Common.WebhookOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.RetryDelays.All(d => d > TimeSpan.Zero), "Webhooks:RetryDelays must all be positive.")
            .ValidateOnStart();
        services.AddScoped<Webhooks.Common.WebhookAccess>();
        services.AddScoped<Bookings.Common.IBookingSideEffectSource, Webhooks.Delivery.WebhookSideEffects>();
        services.AddOutboxHandler<Webhooks.Delivery.WebhookDeliveryHandler>();
        services
            .AddOptions<Slots.Common.AnonymousAvailabilityOptions>()
            .Bind(configuration.GetSection(Slots.Common.AnonymousAvailabilityOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Slots.Common.AnonymousAvailabilityLimit>();

        // Calendar providers: each registered here, once.
        services.AddCalendarProvider<IcsFeedCalendarProvider>();
        services.AddCalendarProvider<Calendars.CalDav.AppleCalendarProvider>();
        services.AddCalendarProvider<Calendars.CalDav.CalDavCalendarProvider>();
        return services;
    }

    /// <summary>An outbox handler, resolvable by its own type (the worker asks for the one an item's kind needs, not for them
    /// all).</summary>
    private static void AddOutboxHandler<THandler>(this IServiceCollection services)
        where THandler : class, Outbox.IOutboxItemHandler
    {
        services.AddScoped<THandler>();
        services.AddScoped<Outbox.IOutboxItemHandler>(sp => sp.GetRequiredService<THandler>());
    }
}
