using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using FluentValidation;
using Mediator;

namespace Cal.Application.UnitTests.Common.Behaviours;

public sealed class ValidationBehaviourTests
{
    public sealed record Ping(string Name, int Count) : ICommand<string>, IValidated;

    private int nextCalls;

    private ValueTask<string> Next(Ping message, CancellationToken cancellationToken)
    {
        nextCalls++;
        return ValueTask.FromResult("handled " + message.Name);
    }

    [SetUp]
    public void SetUp() => nextCalls = 0;

    private static InlineValidator<Ping> Validator(Action<InlineValidator<Ping>> rules)
    {
        var validator = new InlineValidator<Ping>();
        rules(validator);
        return validator;
    }

    [Test]
    public void Handle_WithAFailingValidator_ThrowsAndDoesNotCallNext()
    {
        var behaviour = new ValidationBehaviour<Ping, string>([
            Validator(v => v.RuleFor(p => p.Name).NotEmpty().WithMessage("is required").OverridePropertyName("name")),
        ]);

        var ex = Assert.ThrowsAsync<RequestValidationException>(async () =>
            await behaviour.Handle(new Ping("", 1), Next, CancellationToken.None)
        );

        Assert.Multiple(() =>
        {
            Assert.That(ex.Errors, Is.EqualTo(new[] { new FieldError("name", "is required") }));
            Assert.That(nextCalls, Is.Zero);
        });
    }

    [Test]
    public void Handle_CollectsAllFailuresOfAllValidators()
    {
        var behaviour = new ValidationBehaviour<Ping, string>([
            Validator(v =>
            {
                v.RuleFor(p => p.Name).NotEmpty().WithMessage("is required").OverridePropertyName("name");
                v.RuleFor(p => p.Count).GreaterThan(0).WithMessage("must be positive").OverridePropertyName("count");
            }),
            Validator(v => v.RuleFor(p => p.Count).LessThan(-10).WithMessage("must be below -10").OverridePropertyName("count")),
            Validator(v => v.RuleFor(p => p.Name).Must(_ => true)),
        ]);

        var ex = Assert.ThrowsAsync<RequestValidationException>(async () =>
            await behaviour.Handle(new Ping("", 0), Next, CancellationToken.None)
        );

        Assert.Multiple(() =>
        {
            Assert.That(
                ex.Errors,
                Is.EquivalentTo(
                    new[]
                    {
                        new FieldError("name", "is required"),
                        new FieldError("count", "must be positive"),
                        new FieldError("count", "must be below -10"),
                    }
                )
            );
            Assert.That(ex.Message, Is.EqualTo("The request has 3 invalid fields."));
            Assert.That(nextCalls, Is.Zero);
        });
    }

    [Test]
    public void Handle_KeepsCustomFieldPathsSuchAsIndexes()
    {
        var behaviour = new ValidationBehaviour<Ping, string>([
            Validator(v => v.RuleFor(p => p.Name).Custom((_, ctx) => ctx.AddFailure("urls[2]", "repeats urls[1]"))),
        ]);

        var ex = Assert.ThrowsAsync<RequestValidationException>(async () =>
            await behaviour.Handle(new Ping("x", 1), Next, CancellationToken.None)
        );

        Assert.Multiple(() =>
        {
            Assert.That(ex.Errors, Is.EqualTo(new[] { new FieldError("urls[2]", "repeats urls[1]") }));
            Assert.That(ex.Message, Is.EqualTo("urls[2] repeats urls[1]"));
        });
    }

    [Test]
    public async Task Handle_WithPassingValidators_CallsNextOnce_AndReturnsItsResult()
    {
        var behaviour = new ValidationBehaviour<Ping, string>([
            Validator(v => v.RuleFor(p => p.Name).NotEmpty()),
            Validator(v => v.RuleFor(p => p.Count).GreaterThan(0)),
        ]);

        var result = await behaviour.Handle(new Ping("ok", 1), Next, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo("handled ok"));
            Assert.That(nextCalls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Handle_WithoutValidators_CallsNextOnce()
    {
        var behaviour = new ValidationBehaviour<Ping, string>([]);

        var result = await behaviour.Handle(new Ping("", 0), Next, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo("handled "));
            Assert.That(nextCalls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Handle_PassesMessageAndTokenToNext()
    {
        using var cts = new CancellationTokenSource();
        var message = new Ping("ok", 1);
        (Ping Message, CancellationToken Token)? seen = null;
        var behaviour = new ValidationBehaviour<Ping, string>([Validator(v => v.RuleFor(p => p.Name).NotEmpty())]);

        await behaviour.Handle(
            message,
            (m, ct) =>
            {
                seen = (m, ct);
                return ValueTask.FromResult("");
            },
            cts.Token
        );

        Assert.Multiple(() =>
        {
            Assert.That(seen?.Message, Is.SameAs(message));
            Assert.That(seen?.Token, Is.EqualTo(cts.Token));
        });
    }
}
