using Cal.Infrastructure;
using Cal.WebApi.Admin;
using Cal.WebApi.Hosting;
using Microsoft.Extensions.Options;

try
{
    if (AdminCommand.IsAdminInvocation(args))
    {
        return await AdminCommand.RunAsync(args, Console.Out, Console.Error);
    }

    await CalWebApp.Build(args).RunAsync();
    return 0;
}
catch (Exception ex) when (ex is CalConfigurationException or OptionsValidationException)
{
    // A configuration mistake is the operator's to fix: one line saying what, no stack trace.
    await Console.Error.WriteLineAsync($"Cal cannot start: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is System.Data.Common.DbException || ex.InnerException is System.Data.Common.DbException)
{
    // The database could not be reached or migrated at start-up: say so in one line; a supervisor restarts us.
    var fault = ex as System.Data.Common.DbException ?? (System.Data.Common.DbException)ex.InnerException!;
    await Console.Error.WriteLineAsync(
        $"Cal cannot start: the database cannot be used ({fault.GetType().Name}: {fault.Message.Split('\n')[0].Trim()})."
    );
    return 1;
}

/// <summary>Entry point; public so that functional tests can start the real host.</summary>
public partial class Program;
