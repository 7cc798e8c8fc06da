using Cal.Application.Common.Exceptions;
using FluentValidation;
using Mediator;

namespace Cal.Application.Common.Behaviours;

/// <summary>Runs every validator of the message and throws one exception carrying all failures (messages marked
/// <see cref="IValidated"/>).</summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage, IValidated
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken
    )
    {
        List<FieldError>? errors = null;
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(new ValidationContext<TMessage>(message), cancellationToken);
            foreach (var failure in result.Errors)
            {
                (errors ??= []).Add(new FieldError(failure.PropertyName, failure.ErrorMessage));
            }
        }

        if (errors is not null)
        {
            throw new RequestValidationException(errors);
        }

        return await next(message, cancellationToken);
    }
}
