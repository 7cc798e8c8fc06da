using Cal.Application.Common.Exceptions;
using Cal.Domain.Calendars;

namespace Cal.Application.UnitTests.Common.Exceptions;

public sealed class ExceptionMessageTests
{
    [Test]
    public void IcsFeedsUnusable_WithOneFailure_NamesItsIndexAndReason_NotTheUrl()
    {
        var ex = new IcsFeedsUnusableException([
            new IndexedFeedFailure(3, new FeedFailure(FeedFailureReason.HttpStatus, "The feed answered 404.", 404)),
        ]);

        Assert.That(ex.Message, Is.EqualTo("The ICS feed urls[3] could not be used: The feed answered 404."));
    }

    [Test]
    public void IcsFeedsUnusable_WithSeveralFailures_CountsThem()
    {
        var failure = new FeedFailure(FeedFailureReason.Timeout, "slow");
        var ex = new IcsFeedsUnusableException([new IndexedFeedFailure(0, failure), new IndexedFeedFailure(2, failure)]);

        Assert.Multiple(() =>
        {
            Assert.That(ex.Message, Is.EqualTo("2 ICS feeds could not be used."));
            Assert.That(ex.Failures.Select(f => f.Index), Is.EqualTo(new[] { 0, 2 }));
        });
    }

    [Test]
    public void RequestValidation_WithOneError_IsFieldAndMessage()
    {
        var ex = new RequestValidationException([new FieldError("urls[1]", "must not be empty")]);

        Assert.That(ex.Message, Is.EqualTo("urls[1] must not be empty"));
    }

    [Test]
    public void RequestValidation_WithSeveralErrors_CountsThem()
    {
        var ex = new RequestValidationException([new FieldError("urls", "x"), new FieldError("urls[1]", "y")]);

        Assert.That(ex.Message, Is.EqualTo("The request has 2 invalid fields."));
    }
}
