// Cal build script: `dotnet tool restore && dotnet cake [--target=Test] [--configuration=Release]`.
// Targets: Clean, Restore, Build, Test (default), MigrationsCheck, Default.
var target = Argument("target", "Default");
var configuration = Argument("configuration", "Debug");
var solution = "./Cal.sln";

// Runs `dotnet <arguments>` and fails the build on a non-zero exit code.
void Dotnet(string arguments)
{
    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = arguments });
    if (exitCode != 0)
    {
        throw new Exception($"dotnet {arguments} exited with {exitCode}");
    }
}

Task("Clean")
    .Does(() =>
{
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
    CleanDirectories("./tests/**/TestResults");
});

Task("Restore")
    .Does(() =>
{
    Dotnet("tool restore");
    DotNetRestore(solution);
});

Task("Build")
    .IsDependentOn("Restore")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        Loggers = { "console;verbosity=normal" },
    });
});

// Each provider's migrations must match the model, and must script without a server.
Task("MigrationsCheck")
    .IsDependentOn("Build")
    .Does(() =>
{
    foreach (var context in new[] { "SqliteCalDbContext", "SqlServerCalDbContext" })
    {
        var common = $"--project src/Cal.Infrastructure --startup-project src/Cal.WebApi --context {context} --configuration {configuration} --no-build";
        Dotnet($"ef migrations has-pending-model-changes {common}");
        var idempotent = context == "SqlServerCalDbContext" ? "--idempotent " : ""; // SQLite cannot script idempotently
        Dotnet($"ef migrations script {idempotent}{common} --output artifacts/migrations/{context}.sql");
    }
});

Task("Default")
    .IsDependentOn("Test")
    .IsDependentOn("MigrationsCheck");

RunTarget(target);
