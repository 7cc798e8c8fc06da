using System.Data.Common;
using Cal.Application.Common.Exceptions;
using Cal.Domain.Calendars;
using Microsoft.AspNetCore.Diagnostics;

namespace Cal.WebApi.Envelopes;

/// <summary>Turns use-case exceptions into cal.com error envelopes; anything unexpected is a bare 500 with no internals.</summary>
public sealed class CalExceptionHandler(ErrorEnvelopeWriter writer, ILogger<CalExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        switch (exception)
        {
            case RequestValidationException validation:
                await writer.WriteAsync(
                    httpContext,
                    400,
                    validation.Message,
                    new { errors = validation.Errors.Select(e => new { field = e.Field, message = e.Message }) }
                );
                break;
            case IcsFeedsUnusableException feeds:
                await writer.WriteAsync(httpContext, 400, feeds.Message, new { feeds = feeds.Failures.Select(DescribeFeed) });
                break;
            case BadRequestException badRequest:
                await writer.WriteAsync(httpContext, 400, badRequest.Message, badRequest.Details);
                break;
            case CalendarUnavailableException unavailable:
                await writer.WriteAsync(
                    httpContext,
                    unavailable.DuringCheck ? 401 : 503,
                    unavailable.Message,
                    new
                    {
                        credentialId = unavailable.CredentialId,
                        calendarIndex = unavailable.CalendarIndex,
                        account = unavailable.Account,
                        reason = FeedFailure.WireName(unavailable.Failure.Reason),
                        status = unavailable.Failure.HttpStatus,
                        line = unavailable.Failure.Line,
                    }
                );
                break;
            case AvailabilityUnavailableException availability:
                await writer.WriteAsync(httpContext, 503, availability.Message, new { eventTypeId = availability.EventTypeId });
                break;
            case TooManyRequestsException tooMany:
                httpContext.Response.Headers.RetryAfter = tooMany.RetryAfterSeconds.ToString(
                    System.Globalization.CultureInfo.InvariantCulture
                );
                await writer.WriteAsync(httpContext, 429, tooMany.Message);
                break;
            case NotFoundException notFound:
                await writer.WriteAsync(httpContext, 404, notFound.Message);
                break;
            case UnauthorizedException unauthorized:
                await writer.WriteAsync(httpContext, 401, unauthorized.Message);
                break;
            case ForbiddenException forbidden:
                await writer.WriteAsync(httpContext, 403, forbidden.Message);
                break;
            case ConflictException conflict:
                await writer.WriteAsync(httpContext, 409, conflict.Message);
                break;
            case UnprocessableException unprocessable:
                await writer.WriteAsync(httpContext, 422, unprocessable.Message);
                break;
            case BadHttpRequestException badRequest:
                // Kestrel's own refusals: body too large (413), malformed request, client too slow.
                await writer.WriteAsync(
                    httpContext,
                    badRequest.StatusCode,
                    badRequest.StatusCode == 413 ? "Request body too large." : "Bad request."
                );
                break;
            case var text when text is System.Text.DecoderFallbackException || text.InnerException is System.Text.DecoderFallbackException:
                // A body that is not valid text in the charset it declares (found by the API fuzzer: was a 500).
                await writer.WriteAsync(httpContext, 400, "The request body is not valid text in its declared charset.");
                break;
            case var fault when IsDatabaseFault(fault):
                // The database is down, locked or read-only: a condition to retry, not a bug; nothing of it is shown.
                logger.LogWarning("Database unavailable: {Error}", fault.GetType().Name);
                await writer.WriteAsync(
                    httpContext,
                    503,
                    "The service is temporarily unavailable: its database cannot be used right now. Try again shortly."
                );
                break;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                logger.LogDebug("Request aborted by the client");
                return true;
            default:
                logger.LogError(exception, "Unhandled exception");
                await writer.WriteAsync(httpContext, 500, "Internal server error.");
                break;
        }

        return true;
    }

    /// <summary>A database failure anywhere in the chain (a provider's <see cref="DbException"/>, however EF wrapped it).</summary>
    private static bool IsDatabaseFault(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException)
            {
                return true;
            }
        }

        return false;
    }

    private static object DescribeFeed(IndexedFeedFailure f) =>
        new
        {
            index = f.Index,
            field = $"urls[{f.Index}]",
            reason = FeedFailure.WireName(f.Failure.Reason),
            message = f.Failure.Message,
            status = f.Failure.HttpStatus,
            line = f.Failure.Line,
        };
}
