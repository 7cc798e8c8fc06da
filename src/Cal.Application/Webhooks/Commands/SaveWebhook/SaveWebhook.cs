using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Webhooks.Common;
using Cal.Domain.Webhooks;
using FluentValidation;
using Mediator;

namespace Cal.Application.Webhooks.Commands.SaveWebhook;

/// <summary>cal.com's <c>POST /v2/webhooks</c> and <c>POST /v2/event-types/{id}/webhooks</c> (<c>CreateWebhookInputDto</c>).</summary>
public sealed record CreateWebhookCommand(
    WebhookScope Scope,
    string? SubscriberUrl,
    IReadOnlyList<string?>? Triggers,
    bool? Active,
    string? PayloadTemplate,
    string? Secret
) : ICommand<WebhookDto>, IValidated;

/// <summary>cal.com's <c>PATCH</c> of a webhook (<c>UpdateWebhookInputDto</c>: every field optional; what is not given stays).</summary>
public sealed record UpdateWebhookCommand(
    WebhookScope Scope,
    string Uid,
    string? SubscriberUrl,
    IReadOnlyList<string?>? Triggers,
    bool? Active,
    string? PayloadTemplate,
    string? Secret
) : ICommand<WebhookDto>, IValidated;

public sealed class CreateWebhookCommandHandler(WebhookAccess access, IWebhookStore store, ISubscriberUrlPolicy policy, TimeProvider time)
    : ICommandHandler<CreateWebhookCommand, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(CreateWebhookCommand command, CancellationToken cancellationToken)
    {
        await access.CheckScopeAsync(command.Scope, cancellationToken);
        var url = command.SubscriberUrl!.Trim();
        await SubscriberUrls.CheckAsync(policy, url, cancellationToken);
        var webhook = Webhook.Create(
            Guid.NewGuid().ToString(),
            command.Scope.UserId,
            command.Scope.EventTypeId,
            url,
            WebhookInput.Distinct(command.Triggers!),
            command.Active!.Value,
            command.PayloadTemplate,
            access.Protect(command.Secret),
            time.GetUtcNow()
        );
        if (!await store.AddAsync(webhook, cancellationToken))
        {
            throw new ConflictException(SubscriberUrls.Taken(command.Scope));
        }

        return access.Dto(webhook);
    }
}

public sealed class UpdateWebhookCommandHandler(WebhookAccess access, IWebhookStore store, ISubscriberUrlPolicy policy)
    : ICommandHandler<UpdateWebhookCommand, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(UpdateWebhookCommand command, CancellationToken cancellationToken)
    {
        var webhook = await access.FindAsync(command.Scope, command.Uid, cancellationToken);
        var url = command.SubscriberUrl?.Trim();
        if (url is not null && url != webhook.SubscriberUrl)
        {
            await SubscriberUrls.CheckAsync(policy, url, cancellationToken);
        }

        webhook.Change(
            url,
            command.Triggers is null ? null : WebhookInput.Distinct(command.Triggers),
            command.Active,
            command.PayloadTemplate,
            command.Secret is "" ? "" : access.Protect(command.Secret)
        );
        if (!await store.UpdateAsync(webhook, cancellationToken))
        {
            throw new ConflictException(SubscriberUrls.Taken(command.Scope));
        }

        return access.Dto(webhook);
    }
}

internal static class SubscriberUrls
{
    public static async Task CheckAsync(ISubscriberUrlPolicy policy, string url, CancellationToken cancellationToken)
    {
        if (await policy.RefusalAsync(new Uri(url), cancellationToken) is { } why)
        {
            throw new BadRequestException($"subscriberUrl is not allowed: {why}");
        }
    }

    public static string Taken(WebhookScope scope) =>
        scope.EventTypeId is null
            ? "Webhook with this subscriber url already exists for this user"
            : "Webhook with this subscriber url already exists for this event type";
}

public sealed class CreateWebhookCommandValidator : AbstractValidator<CreateWebhookCommand>
{
    public CreateWebhookCommandValidator()
    {
        WebhookInput.SubscriberUrl(RuleFor(c => c.SubscriberUrl));
        WebhookInput.Triggers(RuleFor(c => c.Triggers));
        RuleFor(c => c.Active).NotNull().WithMessage("must be a boolean value").OverridePropertyName("active");
        WebhookInput.Template(RuleFor(c => c.PayloadTemplate));
        WebhookInput.Secret(RuleFor(c => c.Secret));
    }
}

public sealed class UpdateWebhookCommandValidator : AbstractValidator<UpdateWebhookCommand>
{
    public UpdateWebhookCommandValidator()
    {
        WebhookInput.SubscriberUrl(RuleFor(c => c.SubscriberUrl), optional: true);
        WebhookInput.Triggers(RuleFor(c => c.Triggers), optional: true);
        WebhookInput.Template(RuleFor(c => c.PayloadTemplate));
        WebhookInput.Secret(RuleFor(c => c.Secret));
    }
}
