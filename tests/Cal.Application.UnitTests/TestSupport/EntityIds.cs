using System.Reflection;
using Cal.Domain.Common;

namespace Cal.Application.UnitTests.TestSupport;

/// <summary>Ids are set by the database; tests stand in for it.</summary>
internal static class EntityIds
{
    private static readonly PropertyInfo IdProperty = typeof(Entity).GetProperty(nameof(Entity.Id))!;

    public static T WithId<T>(this T entity, int id)
        where T : Entity
    {
        IdProperty.SetValue(entity, id);
        return entity;
    }

    /// <summary>Sets a private setter of an entity, for states only persistence can produce.</summary>
    public static T With<T>(this T entity, string propertyName, object? value)
        where T : Entity
    {
        typeof(T).GetProperty(propertyName)!.SetValue(entity, value);
        return entity;
    }
}
