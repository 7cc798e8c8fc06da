using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Commands.UpdateWebhook;

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
