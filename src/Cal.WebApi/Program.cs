using Cal.WebApi.Admin;
using Cal.WebApi.Hosting;

if (AdminCommand.IsAdminInvocation(args))
{
    return await AdminCommand.RunAsync(args, Console.Out, Console.Error);
}

await CalWebApp.Build(args).RunAsync();
return 0;

/// <summary>Entry point; public so that functional tests can start the real host.</summary>
public partial class Program;
