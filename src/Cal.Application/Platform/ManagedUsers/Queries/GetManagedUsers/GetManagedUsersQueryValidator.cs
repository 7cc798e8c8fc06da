using FluentValidation;

namespace Cal.Application.Platform.ManagedUsers.Queries.GetManagedUsers;

public sealed class GetManagedUsersQueryValidator : AbstractValidator<GetManagedUsersQuery>
{
    public GetManagedUsersQueryValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, 250).When(q => q.Limit is not null).OverridePropertyName("limit");
        RuleFor(q => q.Offset).GreaterThanOrEqualTo(0).When(q => q.Offset is not null).OverridePropertyName("offset");
        RuleFor(q => q.Emails).Must(e => e is null || e.Count <= 100).WithMessage("at most 100 emails").OverridePropertyName("emails");
    }
}
