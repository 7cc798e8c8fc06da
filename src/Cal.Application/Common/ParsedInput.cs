using FluentValidation;

namespace Cal.Application.Common;

/// <summary>One problem with a value as it came in, under the name the client sent it by (<c>dateFrom</c>, <c>urls[2]</c>).</summary>
public sealed record InputProblem(string Field, string Message);

/// <summary>
/// A value of a request parsed once, where the request enters (docs/architecture.md, "Input"): it holds either the typed
/// value handlers use, or the <see cref="Problems"/> its validator reports. Nothing downstream parses the text again.
/// </summary>
public interface IParsedInput
{
    IReadOnlyList<InputProblem> Problems { get; }
}

/// <summary>The validator's side of <see cref="IParsedInput"/>: it forwards what parsing found, under the client's names.</summary>
public static class ParsedInputRules
{
    public static IRuleBuilderOptionsConditions<T, TInput?> ReportsItsProblems<T, TInput>(this IRuleBuilder<T, TInput?> rule)
        where TInput : class, IParsedInput =>
        rule.Custom(
            (input, context) =>
            {
                foreach (var problem in input?.Problems ?? [])
                {
                    context.AddFailure(problem.Field, problem.Message);
                }
            }
        );
}
