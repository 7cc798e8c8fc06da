using System.Data.Common;
using System.Globalization;
using System.Text;
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

        if (Described(exception) is not { } error)
        {
            if (IsDatabaseFault(exception))
            {
                // The database is down, locked or read-only: a condition to retry, not a bug; nothing of it is shown.
                logger.LogWarning("Database unavailable: {Error}", exception.GetType().Name);
                error = new Error(503, "The service is temporarily unavailable: its database cannot be used right now. Try again shortly.");
            }
            else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            {
                logger.LogDebug("Request aborted by the client");
                return true;
            }
            else
            {
                logger.LogError(exception, "Unhandled exception");
                error = new Error(500, "Internal server error.");
            }
        }

        if (exception is TooManyRequestsException tooMany)
        {
            httpContext.Response.Headers.RetryAfter = tooMany.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        await writer.WriteAsync(httpContext, error.Status, error.Message, error.Details);
        return true;
    }

    private sealed record Error(int Status, string Message, object? Details = null);

    /// <summary>The envelope of an exception Cal means (a use case's refusal, Kestrel's, an unreadable body); null otherwise.</summary>
    private static Error? Described(Exception exception) =>
        exception switch
        {
            RequestValidationException validation => new(
                400,
                validation.Message,
                new { errors = validation.Errors.Select(e => new { field = e.Field, message = e.Message }) }
            ),
            IcsFeedsUnusableException feeds => new(400, feeds.Message, new { feeds = feeds.Failures.Select(DescribeFeed) }),
            BadRequestException badRequest => new(400, badRequest.Message, badRequest.Details),
            CalendarUnavailableException unavailable => new(
                unavailable.DuringCheck ? 401 : 503,
                unavailable.Message,
                DescribeUnavailable(unavailable)
            ),
            AvailabilityUnavailableException availability => new(503, availability.Message, new { eventTypeId = availability.EventTypeId }),
            TooManyRequestsException tooMany => new(429, tooMany.Message),
            NotFoundException notFound => new(404, notFound.Message),
            UnauthorizedException unauthorized => new(401, unauthorized.Message),
            ForbiddenException forbidden => new(403, forbidden.Message),
            ConflictException conflict => new(409, conflict.Message),
            UnprocessableException unprocessable => new(422, unprocessable.Message),
            // Kestrel's own refusals: body too large (413), malformed request, client too slow.
            BadHttpRequestException badRequest => new(
                badRequest.StatusCode,
                badRequest.StatusCode == 413 ? "Request body too large." : "Bad request."
            ),
            // A body that is not valid text in the charset it declares (found by the API fuzzer: was a 500).
            DecoderFallbackException or { InnerException: DecoderFallbackException } => new(
                400,
                "The request body is not valid text in its declared charset."
            ),
            _ => null,
        };

    private static object DescribeUnavailable(CalendarUnavailableException unavailable) =>
        new
        {
            credentialId = unavailable.CredentialId,
            calendarIndex = unavailable.CalendarIndex,
            account = unavailable.Account,
            reason = FeedFailure.WireName(unavailable.Failure.Reason),
            status = unavailable.Failure.HttpStatus,
            line = unavailable.Failure.Line,
        };

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
