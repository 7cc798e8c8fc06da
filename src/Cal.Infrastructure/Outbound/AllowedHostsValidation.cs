using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Outbound;

/// <summary>Refuses to start with an <c>Outbound:AllowedHosts</c> entry that means nothing.</summary>
internal sealed class AllowedHostsValidation : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        try
        {
            OutboundAllowList.Parse(options.AllowedHosts);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
