using Cal.Application.Bookings.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Slots.Common;
using Mediator;

namespace Cal.Application.Slots.Commands.DeleteSlotReservation;

/// <summary>cal.com's <c>DELETE /v2/slots/reservations/{uid}</c>: an unexpired reservation released.</summary>
public sealed record DeleteSlotReservationCommand(string Uid) : ICommand<bool>;

public sealed class DeleteSlotReservationCommandHandler(ISlotReservationStore reservations, TimeProvider time)
    : ICommandHandler<DeleteSlotReservationCommand, bool>
{
    public async ValueTask<bool> Handle(DeleteSlotReservationCommand command, CancellationToken cancellationToken)
    {
        await reservations.FindActiveAsync(command.Uid, time.GetUtcNow(), cancellationToken);
        return await reservations.DeleteAsync(command.Uid, cancellationToken)
            ? true
            : throw new NotFoundException(SlotReservationAccess.NotFound(command.Uid)); // gone meanwhile
    }
}
