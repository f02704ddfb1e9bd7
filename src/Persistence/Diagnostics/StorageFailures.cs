using System.Data.Common;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Diagnostics;

internal static class StorageFailures
{
    public static Exception Wrap(Exception exception, string database, string operation) => exception switch
    {
        OrleansException or ArgumentException or OperationCanceledException => exception,
        DbException or TimeoutException or IOException or System.Net.Sockets.SocketException or InvalidOperationException =>
            new StorageUnavailableException($"The {database} storage failed during {operation}. {exception.GetType().Name}: {exception.Message}"),
        _ => new StorageUnavailableException($"The {database} storage failed unexpectedly during {operation}. {exception.GetType().Name}: {exception.Message}"),
    };
}
