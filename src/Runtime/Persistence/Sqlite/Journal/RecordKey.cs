namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>A grain state record (<see cref="Name"/> is the state name) or a reminder (<see cref="Name"/> is the reminder name).</summary>
internal readonly record struct RecordKey(string Type, string Key, string Name)
{
    /// <summary>The key of <paramref name="name"/> within <paramref name="grainId"/>.</summary>
    public static RecordKey Of(GrainId grainId, string name) => new(grainId.Type, grainId.Key, name);

    /// <summary>The grain that owns the record.</summary>
    public GrainId GrainId => new(Type, Key);
}
