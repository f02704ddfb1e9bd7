namespace MachineGrid.Runtime;

/// <summary>Overrides how long an activation of this grain class may stay idle before it is collected.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CollectionAgeAttribute(int minutes) : Attribute
{
    /// <summary>The idle time after which the activation is deactivated.</summary>
    public TimeSpan Age { get; } = TimeSpan.FromMinutes(minutes);
}
