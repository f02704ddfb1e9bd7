namespace MachineGrid.Runtime.Persistence;

/// <summary>What the runtime needs of a grain's persistent state: load it, and write it when it changed.</summary>
internal interface IStateWriter
{
    string StateName { get; }

    Task ReadStateAsync();

    Task WriteIfChangedAsync();
}
