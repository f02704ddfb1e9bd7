using System.Data.Common;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Diagnostics;

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

internal static class StorageFailures
{
    public static Exception Wrap(Exception exception, string database, string operation) => exception switch
    {
        OrleansException or ArgumentException or OperationCanceledException => exception,
        DbException or TimeoutException or IOException or System.Net.Sockets.SocketException or InvalidOperationException =>
            new StorageUnavailableException($"The {database} storage failed during {operation}; nothing was acknowledged. {exception.GetType().Name}: {exception.Message}"),
        _ => new StorageUnavailableException($"The {database} storage failed during {operation}. {exception.GetType().Name}: {exception.Message}"),
    };
}
