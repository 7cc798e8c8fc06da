// Cal build script: `dotnet tool restore && dotnet cake [--target=Test] [--configuration=Release]`.
// Targets: Clean, Restore, Build, Test (with a coverage summary), MigrationsCheck, Bench, Default (= Test + MigrationsCheck).
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
    var results = MakeAbsolute(Directory("./artifacts/coverage"));
    CleanDirectory(results);
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        Collectors = { "XPlat Code Coverage" },
        ResultsDirectory = results,
    });
    PrintCoverageSummary(results);
});

// EF migrations and source-generated code (Mediator's dispatcher, regexes) are not ours to cover.
bool IsGenerated(string file) =>
    file.Contains("Migrations/") || file.StartsWith("obj/") || file.Contains("/obj/") || file.EndsWith(".g.cs");

// One line per assembly: the union of lines covered by every test project's Cobertura report
// (several test projects cover the same code), generated migrations left out.
void PrintCoverageSummary(DirectoryPath results)
{
    var covered = new Dictionary<string, HashSet<string>>();
    var valid = new Dictionary<string, HashSet<string>>();
    foreach (var report in GetFiles(results.FullPath + "/**/coverage.cobertura.xml"))
    {
        var xml = System.Xml.Linq.XDocument.Load(report.FullPath);
        foreach (var package in xml.Descendants("package"))
        {
            var assembly = (string)package.Attribute("name");
            if (assembly == "Cal.Testing")
            {
                continue;
            }

            foreach (var cls in package.Descendants("class").Where(c => !IsGenerated((string)c.Attribute("filename"))))
            {
                foreach (var line in cls.Element("lines").Elements("line"))
                {
                    // Reports differ in their source root ("src/Cal.X/..." or "Cal.X/..."); one file is one file.
                    var file = ((string)cls.Attribute("filename")).Replace('\\', '/');
                    var key = (file.StartsWith("src/") ? file.Substring(4) : file) + ":" + (string)line.Attribute("number");
                    (valid.TryGetValue(assembly, out var all) ? all : valid[assembly] = new HashSet<string>()).Add(key);
                    if ((int)line.Attribute("hits") > 0)
                    {
                        (covered.TryGetValue(assembly, out var hit) ? hit : covered[assembly] = new HashSet<string>()).Add(key);
                    }
                }
            }
        }
    }

    Information("Line coverage (all test projects together; migrations and other generated code excluded):");
    foreach (var assembly in valid.Keys.OrderBy(k => k))
    {
        var hit = covered.TryGetValue(assembly, out var set) ? set.Count : 0;
        Information($"  {assembly,-22} {100.0 * hit / valid[assembly].Count,5:0.0}%  ({hit}/{valid[assembly].Count} lines)");
    }
}

// Each provider's migrations must match the model, and must script without a server.
Task("MigrationsCheck")
    .IsDependentOn("Build")
    .Does(() =>
{
    foreach (var context in new[] { "SqliteCalDbContext", "SqlServerCalDbContext", "PostgresCalDbContext" })
    {
        var common = $"--project src/Cal.Infrastructure --startup-project src/Cal.WebApi --context {context} --configuration {configuration} --no-build";
        Dotnet($"ef migrations has-pending-model-changes {common}");
        var idempotent = context != "SqliteCalDbContext" ? "--idempotent " : ""; // SQLite cannot script idempotently
        Dotnet($"ef migrations script {idempotent}{common} --output artifacts/migrations/{context}.sql");
    }
});

// Measurements, not tests: needs bash, node/npm, python3, curl and wrk (Linux; wrk is apt-installed if missing).
// Runs benchmarks/run-all.sh, which writes one table into benchmarks/README.md, then the memory script; see that file.
Task("Bench")
    .Does(() =>
{
    var exitCode = StartProcess("bash", new ProcessSettings { Arguments = "benchmarks/run-all.sh" });
    if (exitCode != 0)
    {
        throw new Exception($"benchmarks/run-all.sh exited with {exitCode}");
    }

    // The memory of concurrent 25 MB saves (its own table in benchmarks/README.md, printed here).
    foreach (var n in new[] { 1, 10 })
    {
        exitCode = StartProcess("bash", new ProcessSettings { Arguments = $"benchmarks/memory/ten-saves.sh -n {n}" });
        if (exitCode != 0)
        {
            throw new Exception($"benchmarks/memory/ten-saves.sh -n {n} exited with {exitCode}");
        }
    }
});

Task("Default")
    .IsDependentOn("Test")
    .IsDependentOn("MigrationsCheck");

RunTarget(target);
