namespace Cal.Application.Common.Behaviours;

/// <summary>
/// A message with a validator: the validation behaviour runs in its pipeline, and only there (the source generator
/// leaves it out of every other one, so a hot read without rules pays nothing for it). A message whose validator
/// exists but which lacks this mark would never be validated: an architecture test refuses that.
/// </summary>
public interface IValidated;
