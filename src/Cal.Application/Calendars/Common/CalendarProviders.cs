using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cal.Application.Calendars.Common;

/// <summary>Finds the provider for a credential type among the registered ones (singletons, like itself).</summary>
public sealed class CalendarProviders(IEnumerable<ICalendarProvider> providers)
{
    private readonly Dictionary<string, ICalendarProvider> byType = providers.ToDictionary(p => p.Integration.Type, StringComparer.Ordinal);

    public ICalendarProvider? For(string credentialType) => byType.GetValueOrDefault(credentialType);
}

public static class CalendarProviderServiceCollectionExtensions
{
    /// <summary>
    /// The one place a calendar provider is registered: a singleton, as providers are stateless over singletons (secret
    /// protector, HTTP clients, caches), and busy times and lists (every request's work) then build nothing per request.
    /// A provider that needs something per request (a repository) takes <c>IServiceScopeFactory</c>.
    /// </summary>
    public static IServiceCollection AddCalendarProvider<TProvider>(this IServiceCollection services)
        where TProvider : class, ICalendarProvider
    {
        services.TryAddSingleton<CalendarProviders>();
        services.AddSingleton<ICalendarProvider, TProvider>();
        return services;
    }
}
