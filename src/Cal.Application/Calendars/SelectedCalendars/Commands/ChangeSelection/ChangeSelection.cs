using Cal.Application.Calendars.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using FluentValidation;
using Mediator;

namespace Cal.Application.Calendars.SelectedCalendars.Commands.ChangeSelection;

/// <summary>cal.com's selected calendar: <c>{userId, integration, externalId, credentialId}</c>.</summary>
public sealed record SelectedCalendarDto(int UserId, string Integration, string ExternalId, int CredentialId);

/// <summary>
/// cal.com's <c>POST /v2/selected-calendars</c>: the calendar counts for busy times again (every calendar starts
/// selected; repeating it is idempotent). The credential must be the caller's and hold that calendar, else <c>404</c>.
/// </summary>
public sealed record SelectCalendarCommand(int UserId, string? Integration, string? ExternalId, int? CredentialId)
    : ICommand<SelectedCalendarDto>,
        IValidated,
        IChangesUserCalendars;

/// <summary>cal.com's <c>DELETE /v2/selected-calendars</c>: the calendar stops counting; <c>404</c> when it was not selected.</summary>
public sealed record DeselectCalendarCommand(int UserId, string? Integration, string? ExternalId, int? CredentialId)
    : ICommand<SelectedCalendarDto>,
        IValidated,
        IChangesUserCalendars;

public sealed class ChangeSelectionHandlers(
    ICredentialRepository credentials,
    ISelectedCalendarRepository selections,
    CalendarProviders providers
) : ICommandHandler<SelectCalendarCommand, SelectedCalendarDto>, ICommandHandler<DeselectCalendarCommand, SelectedCalendarDto>
{
    public async ValueTask<SelectedCalendarDto> Handle(SelectCalendarCommand command, CancellationToken cancellationToken)
    {
        var credential = await HeldCalendarAsync(
            command.UserId,
            command.Integration!,
            command.ExternalId!,
            command.CredentialId!.Value,
            cancellationToken
        );
        await selections.SelectAsync(credential.Id, CalendarSelection.Hash(command.ExternalId!), cancellationToken);
        return new SelectedCalendarDto(command.UserId, credential.Type, command.ExternalId!, credential.Id);
    }

    public async ValueTask<SelectedCalendarDto> Handle(DeselectCalendarCommand command, CancellationToken cancellationToken)
    {
        var credential = await HeldCalendarAsync(
            command.UserId,
            command.Integration!,
            command.ExternalId!,
            command.CredentialId!.Value,
            cancellationToken
        );
        if (
            !await selections.DeselectAsync(
                command.UserId,
                credential.Id,
                credential.Type,
                CalendarSelection.Hash(command.ExternalId!),
                cancellationToken
            )
        )
        {
            throw new NotFoundException("Selected calendar not found.");
        }

        return new SelectedCalendarDto(command.UserId, credential.Type, command.ExternalId!, credential.Id);
    }

    /// <summary>The caller's credential of that integration, holding that calendar; anything else is the same 404.</summary>
    private async Task<Credential> HeldCalendarAsync(
        int userId,
        string integration,
        string externalId,
        int credentialId,
        CancellationToken cancellationToken
    )
    {
        var credential = await credentials.FindForUserAsync(userId, credentialId, cancellationToken);
        if (
            credential is null
            || !string.Equals(credential.Type, integration, StringComparison.Ordinal)
            || providers.For(credential.Type) is not { } provider
            || !(await provider.CalendarIdsAsync(credential, cancellationToken)).Contains(externalId, StringComparer.Ordinal)
        )
        {
            throw new NotFoundException($"Calendar not found for credential {credentialId}.");
        }

        return credential;
    }
}

public sealed class SelectCalendarCommandValidator : AbstractValidator<SelectCalendarCommand>
{
    public SelectCalendarCommandValidator() => ChangeSelectionRules.Apply(this, c => c.Integration, c => c.ExternalId, c => c.CredentialId);
}

public sealed class DeselectCalendarCommandValidator : AbstractValidator<DeselectCalendarCommand>
{
    public DeselectCalendarCommandValidator() =>
        ChangeSelectionRules.Apply(this, c => c.Integration, c => c.ExternalId, c => c.CredentialId);
}

internal static class ChangeSelectionRules
{
    public static void Apply<T>(
        AbstractValidator<T> validator,
        System.Linq.Expressions.Expression<Func<T, string?>> integration,
        System.Linq.Expressions.Expression<Func<T, string?>> externalId,
        System.Linq.Expressions.Expression<Func<T, int?>> credentialId
    )
    {
        validator.RuleFor(integration).NotEmpty().MaximumLength(64).OverridePropertyName("integration");
        validator.RuleFor(externalId).NotEmpty().MaximumLength(4096).OverridePropertyName("externalId");
        validator.RuleFor(credentialId).NotNull().GreaterThan(0).OverridePropertyName("credentialId");
    }
}
