using System.Globalization;
using Cal.Application;
using Cal.Application.Common.Behaviours;
using Cal.Infrastructure;
using Cal.Infrastructure.Persistence;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Cal.WebApi.Hosting;

/// <summary>The composition root shared by the web server and the admin commands.</summary>
public static class CalServices
{
    public static IServiceCollection AddCal(
        this IServiceCollection services,
        IConfiguration configuration,
        IHostEnvironment environment,
        bool logToStandardError
    )
    {
        services.AddApplicationServices(configuration);
        services.AddInfrastructureServices(configuration, environment.ContentRootPath);
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>), typeof(CalendarsChangedBehaviour<,>)];
        });

        // Levels come from the "Serilog" section; the sink is chosen here: readable text in Development,
        // compact JSON elsewhere; stderr for admin commands so stdout carries only their result.
        services.AddSerilog(
            (sp, logger) =>
            {
                logger.ReadFrom.Configuration(configuration).Enrich.FromLogContext();
                var stdErrFrom = logToStandardError ? LogEventLevel.Verbose : (LogEventLevel?)null;
                if (environment.IsDevelopment())
                {
                    logger.WriteTo.Console(formatProvider: CultureInfo.InvariantCulture, standardErrorFromLevel: stdErrFrom);
                }
                else
                {
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: stdErrFrom);
                }
            },
            preserveStaticLogger: true,
            writeToProviders: true
        );
        return services;
    }
}

/// <summary>Creates and migrates the database before the server takes requests.</summary>
public sealed class DatabaseInitializerHostedService(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
