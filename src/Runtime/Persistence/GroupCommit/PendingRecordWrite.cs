namespace MachineGrid.Runtime.Persistence.GroupCommit;

/// <summary>A write of one record a grain owns: a state record or a reminder, named within the grain.</summary>
internal abstract class PendingRecordWrite(GrainId grainId, string name) : PendingWrite
{
    /// <summary>The grain whose record changes.</summary>
    public GrainId GrainId { get; } = grainId;

    /// <summary>The state name or reminder name within the grain.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public override string Description => $"'{Name}' of grain {GrainId}";
}
