using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// Finds the provider for a credential type among the registered ones. The providers (and what they hold: HTTP clients,
/// caches) are resolved on the first lookup, not when a use case that might need one is created: a request answered
/// from the read model never builds them.
/// </summary>
public sealed class CalendarProviders
{
    private readonly Lazy<Dictionary<string, ICalendarProvider>> byType;

    public CalendarProviders(IServiceProvider services) =>
        byType = new(() => services.GetServices<ICalendarProvider>().ToDictionary(p => p.Integration.Type, StringComparer.Ordinal));

    /// <summary>Over a fixed set of providers (tests, tools).</summary>
    public CalendarProviders(IEnumerable<ICalendarProvider> providers) =>
        byType = new(() => providers.ToDictionary(p => p.Integration.Type, StringComparer.Ordinal));

    public ICalendarProvider? For(string credentialType) => byType.Value.GetValueOrDefault(credentialType);
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
        services.TryAddSingleton(sp => new CalendarProviders(sp));
        services.AddSingleton<ICalendarProvider, TProvider>();
        return services;
    }
}
