using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Cal.WebApi.FunctionalTests.Architecture;

/// <summary>
/// The style rules the compiler's analyzers cannot hold (the rest are in <c>.editorconfig</c>, enforced by the build): lines within
/// 140 characters and methods within 60 lines in <c>src</c> (generated migrations aside). The methods still over 60 lines are listed
/// by name in <see cref="LongMethodsLeft"/>, a list that may only shrink: a new long method, or a listed one grown longer or mended
/// but still listed, fails.
/// </summary>
public sealed class SourceStyleTests
{
    private const int MaxLineLength = 140;
    private const int MaxMethodLines = 60;

    /// <summary>Methods over 60 lines when the rule came in (issue 29), with their length then; each is split when next touched.</summary>
    private static readonly Dictionary<string, int> LongMethodsLeft = new(StringComparer.Ordinal) { };

    private static readonly string Src = Path.Combine(RepositoryRoot(), "src");

    [Test]
    public void EveryLineInSrc_IsWithin140Characters_ButRawStringData()
    {
        var offenders = new List<string>();
        foreach (var file in SourceFiles())
        {
            var inRaw = false;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var wasRaw = inRaw;
                if (CountRawQuotes(line) % 2 == 1)
                {
                    inRaw = !inRaw;
                }

                // A raw string literal is data (an XML body, a JSON example): its lines are kept as the data is.
                if (line.Length > MaxLineLength && !wasRaw && !(inRaw || line.Contains("\"\"\"", StringComparison.Ordinal)))
                {
                    offenders.Add($"{Relative(file)}:{i + 1} ({line.Length})");
                }
            }
        }

        Assert.That(
            offenders,
            Is.Empty,
            "lines over 140 characters (dotnet csharpier format src wraps code; comments and strings by hand)"
        );
    }

    [Test]
    public void NoMethodInSrc_IsOver60Lines_ButTheListedOnesLeft()
    {
        var found = LongMethods();
        if (Environment.GetEnvironmentVariable("CAL_LONG_METHODS_TO") is { Length: > 0 } listFile)
        {
            // The list's entries as they are now, for whoever splits some of them.
            File.WriteAllLines(listFile, found.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"[\"{m.Key}\"] = {m.Value},"));
        }

        var unlisted = found.Where(m => !LongMethodsLeft.ContainsKey(m.Key)).Select(m => $"{m.Key} ({m.Value} lines)").ToList();
        var grown = found
            .Where(m => LongMethodsLeft.TryGetValue(m.Key, out var then) && m.Value > then)
            .Select(m => $"{m.Key}: {m.Value} > {LongMethodsLeft[m.Key]}")
            .ToList();
        var mended = LongMethodsLeft.Keys.Where(k => !found.ContainsKey(k)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unlisted, Is.Empty, "methods over 60 lines: split them");
            Assert.That(grown, Is.Empty, "listed long methods grown longer");
            Assert.That(mended, Is.Empty, "listed methods now within 60 lines (or gone): take them off the list");
        });
    }

    [Test]
    public void TheMethodCounter_CountsAMethodsLines()
    {
        var tree = CSharpSyntaxTree.ParseText("class C\n{\n    void M()\n    {\n        var a = 1;\n    }\n\n    int P => 1;\n}\n");
        var methods = Declarations(tree).ToList();
        Assert.That(methods.Select(m => (m.Name, m.Lines)), Is.EqualTo(new[] { ("C.M", 4) }));
    }

    private static Dictionary<string, int> LongMethods()
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file);
            foreach (var (name, lines) in Declarations(tree).Where(d => d.Lines > MaxMethodLines))
            {
                var key = $"{Relative(file)}: {name}";
                result[key] = Math.Max(lines, result.GetValueOrDefault(key));
            }
        }

        return result;
    }

    private static IEnumerable<(string Name, int Lines)> Declarations(SyntaxTree tree)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var name = node switch
            {
                MethodDeclarationSyntax m => m.Identifier.Text,
                ConstructorDeclarationSyntax c => c.Identifier.Text + ".ctor",
                LocalFunctionStatementSyntax l => l.Identifier.Text,
                AccessorDeclarationSyntax a when a.Body is not null || a.ExpressionBody is not null => a.Keyword.Text,
                OperatorDeclarationSyntax o => "operator " + o.OperatorToken.Text,
                _ => null,
            };
            if (name is null)
            {
                continue;
            }

            var span = node.GetLocation().GetLineSpan();
            var type = node.Ancestors().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault()?.Identifier.Text;
            yield return ($"{type}.{name}", span.EndLinePosition.Line - span.StartLinePosition.Line + 1);
        }
    }

    private static int CountRawQuotes(string line)
    {
        var count = 0;
        for (var i = line.IndexOf("\"\"\"", StringComparison.Ordinal); i >= 0; i = line.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory
            .EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
            {
                var relative = Relative(f);
                return !relative.Contains("/Migrations/", StringComparison.Ordinal)
                    && !relative.Contains("/obj/", StringComparison.Ordinal)
                    && !relative.Contains("/bin/", StringComparison.Ordinal);
            })
            .Order(StringComparer.Ordinal);

    private static string Relative(string file) => Path.GetRelativePath(Src, file).Replace('\\', '/');

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cal.sln not found above " + AppContext.BaseDirectory);
    }
}
