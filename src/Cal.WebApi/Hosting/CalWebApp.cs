using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Serilog;

namespace Cal.WebApi.Hosting;

public static class CalWebApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        builder.Services.AddCal(builder.Configuration, builder.Environment, logToStandardError: false);
        builder.Services.AddHostedService<DatabaseInitializerHostedService>();

        builder.Services.AddSingleton<ErrorEnvelopeWriter>();
        builder.Services.AddExceptionHandler<CalExceptionHandler>();
        builder.Services.AddControllers()
            .ConfigureApiBehaviorOptions(o => o.InvalidModelStateResponseFactory = ModelStateEnvelope.Create);
        builder.Services.AddAuthentication(CalBearerAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, CalBearerAuthenticationHandler>(CalBearerAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();

        var app = builder.Build();

        app.Use((context, next) =>
        {
            // Set as the response starts: the exception handler clears headers set earlier.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseSerilogRequestLogging(o =>
        {
            // This host's logger, not the static one (several hosts can share a process, e.g. in tests).
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.EnrichDiagnosticContext = (diagnostics, context) => diagnostics.Set("RequestId", context.TraceIdentifier);
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Reached only if no IExceptionHandler took the exception.
            ExceptionHandler = context => context.RequestServices.GetRequiredService<ErrorEnvelopeWriter>().WriteAsync(context, 500),
        });

        // Framework answers with no body (unknown route, wrong method, wrong content type) get the envelope too.
        app.UseStatusCodePages(context => context.HttpContext.RequestServices.GetRequiredService<ErrorEnvelopeWriter>()
            .WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode));

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapControllers();
        return app;
    }
}
