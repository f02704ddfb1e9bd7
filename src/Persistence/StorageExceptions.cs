using Orleans.Runtime;

namespace MachineGrid.Persistence;

/// <summary>
/// The exception a grain or a caller sees when the database failed. It derives from <see cref="OrleansException"/>
/// and carries the database's message as text, because Orleans' serializer cannot carry driver exceptions
/// (Npgsql's, SQLite's) to a caller in another process.
/// </summary>
[GenerateSerializer, Alias("MachineGrid.Persistence.StorageUnavailableException")]
public sealed class StorageUnavailableException : OrleansException
{
    public StorageUnavailableException(string message)
        : base(message)
    {
    }
}

/// <summary>A stored state that cannot be read as the grain's state type; the row is not changed.</summary>
[GenerateSerializer, Alias("MachineGrid.Persistence.StateDeserializationException")]
public sealed class StateDeserializationException(string message) : OrleansException(message);
