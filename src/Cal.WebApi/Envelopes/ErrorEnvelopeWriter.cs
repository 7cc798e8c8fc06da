using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cal.WebApi.Envelopes;

/// <summary>The one place that writes error responses, so every error looks like cal.com's.</summary>
public sealed class ErrorEnvelopeWriter(TimeProvider time, IOptions<JsonOptions> json)
{
    public static string CodeFor(int status) =>
        status switch
        {
            400 => "BadRequestException",
            401 => "UnauthorizedException",
            403 => "ForbiddenException",
            404 => "NotFoundException",
            405 => "MethodNotAllowedException",
            409 => "ConflictException",
            413 => "PayloadTooLargeException",
            415 => "UnsupportedMediaTypeException",
            422 => "UnprocessableEntityException",
            429 => "ThrottlerException",
            498 => "TokenExpiredException",
            503 => "ServiceUnavailableException",
            >= 500 => "InternalServerErrorException",
            _ => "HttpException",
        };

    public static string DefaultMessageFor(int status) =>
        status switch
        {
            400 => "Bad request.",
            401 => "Unauthorized.",
            403 => "Forbidden.",
            404 => "Not found.",
            405 => "Method not allowed.",
            413 => "Request body too large.",
            415 => "Unsupported media type: send application/json.",
            429 => "Too many requests.",
            >= 500 => "Internal server error.",
            _ => "Request failed.",
        };

    public ErrorEnvelope Create(HttpContext context, int status, string? message = null, object? details = null) =>
        new(
            JsTimestamp.Format(time.GetUtcNow()),
            context.Request.Path.Value ?? "/",
            new ErrorBody(CodeFor(status), message ?? DefaultMessageFor(status), details ?? new { })
        );

    public Task WriteAsync(HttpContext context, int status, string? message = null, object? details = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            Create(context, status, message, details),
            json.Value.SerializerOptions,
            "application/json; charset=utf-8",
            context.RequestAborted
        );
    }
}
