using Cal.Application.Common.Interfaces;
using Cal.Domain.Schedules;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

internal sealed class ScheduleRepository(CalDbContext db) : IScheduleRepository
{
    public async Task<IReadOnlyList<Schedule>> ListAsync(int userId, CancellationToken cancellationToken) =>
        await db.Schedules.AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.Id).ToListAsync(cancellationToken);

    public Task<Schedule?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);

    public async Task AddAsync(Schedule schedule, bool makeDefault, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var hasDefault =
            await db.Users.Where(u => u.Id == schedule.UserId).Select(u => u.DefaultScheduleId).SingleOrDefaultAsync(cancellationToken)
            is not null;
        db.Schedules.Add(schedule);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(schedule).State = EntityState.Detached;
        if (makeDefault || !hasDefault)
        {
            await MakeDefaultAsync(schedule, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpdateAsync(Schedule schedule, bool makeDefault, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Schedules.Update(schedule);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(schedule).State = EntityState.Detached;
        if (makeDefault)
        {
            await MakeDefaultAsync(schedule, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task DeleteAsync(Schedule schedule, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Schedules.Where(s => s.Id == schedule.Id).ExecuteDeleteAsync(cancellationToken);
        await db
            .Users.Where(u => u.Id == schedule.UserId && u.DefaultScheduleId == schedule.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DefaultScheduleId, (int?)null), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task MakeDefaultAsync(Schedule schedule, CancellationToken cancellationToken)
    {
        await db
            .Schedules.Where(s => s.UserId == schedule.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.IsDefault, x => x.Id == schedule.Id), cancellationToken);
        await db
            .Users.Where(u => u.Id == schedule.UserId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DefaultScheduleId, schedule.Id), cancellationToken);
        schedule.MakeDefault(true);
    }
}
