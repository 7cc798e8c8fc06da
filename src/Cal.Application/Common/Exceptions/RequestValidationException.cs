namespace Cal.Application.Common.Exceptions;

/// <summary>The request broke one or more rules; every problem is listed with its field path (e.g. <c>urls[2]</c>).</summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException(IReadOnlyList<FieldError> errors)
        : base(errors.Count == 1 ? $"{errors[0].Field} {errors[0].Message}" : $"The request has {errors.Count} invalid fields.")
    {
        Errors = errors;
    }

    public IReadOnlyList<FieldError> Errors { get; }
}

public sealed record FieldError(string Field, string Message);
