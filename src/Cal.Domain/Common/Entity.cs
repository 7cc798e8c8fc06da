namespace Cal.Domain.Common;

/// <summary>Base for persisted entities: identity by database-generated integer id, as cal.com's ids are.</summary>
public abstract class Entity
{
    public int Id { get; protected set; }
}
