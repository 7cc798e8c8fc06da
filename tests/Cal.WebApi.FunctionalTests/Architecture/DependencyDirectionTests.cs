using NetArchTest.Rules;

namespace Cal.WebApi.FunctionalTests.Architecture;

/// <summary>The direction of dependencies is the architecture: WebApi → Application → Domain, Infrastructure → Application.</summary>
public sealed class DependencyDirectionTests
{
    private static readonly System.Reflection.Assembly Domain = typeof(Cal.Domain.Calendars.Credential).Assembly;
    private static readonly System.Reflection.Assembly Application = typeof(Cal.Application.DependencyInjection).Assembly;
    private static readonly System.Reflection.Assembly Infrastructure = typeof(Cal.Infrastructure.DependencyInjection).Assembly;

    [Test]
    public void Domain_DependsOnNoOtherLayerOrFramework()
    {
        var result = Types
            .InAssembly(Domain)
            .ShouldNot()
            .HaveDependencyOnAny(
                "Cal.Application",
                "Cal.Infrastructure",
                "Cal.WebApi",
                "Microsoft.EntityFrameworkCore",
                "Microsoft.AspNetCore",
                "Mediator",
                "AutoMapper",
                "FluentValidation"
            )
            .GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
    }

    [Test]
    public void Application_DependsOnNeitherInfrastructureNorWeb()
    {
        var result = Types
            .InAssembly(Application)
            .ShouldNot()
            .HaveDependencyOnAny(
                "Cal.Infrastructure",
                "Cal.WebApi",
                "Microsoft.EntityFrameworkCore",
                "Microsoft.AspNetCore",
                "Ical.Net",
                "System.Net.Http"
            )
            .GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
    }

    [Test]
    public void Infrastructure_DoesNotDependOnWeb()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("Cal.WebApi").GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
    }

    /// <summary>
    /// Adapters implement ports and share types from <c>Common</c> folders (or Domain); a use case's own folder
    /// (<c>.../Commands/X</c>, <c>.../Queries/X</c>) belongs to that use case alone.
    /// </summary>
    [Test]
    public void Infrastructure_DoesNotImportAUseCaseFolder()
    {
        var useCaseNamespaces = Application
            .GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.Contains(".Commands.", StringComparison.Ordinal) || n.Contains(".Queries.", StringComparison.Ordinal))
            .Distinct()
            .ToArray();
        Assert.That(useCaseNamespaces, Is.Not.Empty, "the rule would hold vacuously");

        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOnAny(useCaseNamespaces).GetResult();

        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
    }

    /// <summary>
    /// The validation behaviour runs only for messages marked <see cref="Cal.Application.Common.Behaviours.IValidated"/>:
    /// a message with a validator but without the mark would never be validated. Every validated message is marked.
    /// </summary>
    [Test]
    public void EveryMessageWithAValidator_IsMarkedValidated_SoItsValidatorRuns()
    {
        var validated = Application
            .GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(FluentValidation.IValidator<>))
            .Select(i => i.GetGenericArguments()[0])
            .Where(m => typeof(Mediator.IMessage).IsAssignableFrom(m))
            .Distinct()
            .ToList();

        Assert.That(validated, Has.Count.GreaterThanOrEqualTo(20), "the validators were found");
        Assert.That(
            validated.Where(m => !typeof(Cal.Application.Common.Behaviours.IValidated).IsAssignableFrom(m)).Select(m => m.Name),
            Is.Empty
        );
    }
}
