using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cal.Application.Calendars.Common;

/// <summary>Finds the provider for a credential type among the registered ones.</summary>
public sealed class CalendarProviders(IEnumerable<ICalendarProvider> providers)
{
    private readonly Dictionary<string, ICalendarProvider> byType = providers.ToDictionary(p => p.Integration.Type, StringComparer.Ordinal);

    public ICalendarProvider? For(string credentialType) => byType.GetValueOrDefault(credentialType);
}

public static class CalendarProviderServiceCollectionExtensions
{
    /// <summary>The one place a calendar provider is registered.</summary>
    public static IServiceCollection AddCalendarProvider<TProvider>(this IServiceCollection services)
        where TProvider : class, ICalendarProvider
    {
        services.TryAddScoped<CalendarProviders>();
        services.AddScoped<ICalendarProvider, TProvider>();
        return services;
    }
}
