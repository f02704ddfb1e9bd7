using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Flushes a file's data to disk with <c>fdatasync</c>: its pages and the metadata needed to read them back (its size
/// when it changed), but not its times, which a plain flush (<c>fsync</c>) writes too. .NET offers only the latter, so
/// this calls the C library on Linux; elsewhere it flushes the file fully.
/// </summary>
internal static partial class DataSync
{
    /// <summary>Flushes <paramref name="file"/>'s data to disk.</summary>
    /// <exception cref="IOException">The flush failed.</exception>
    public static void Flush(FileStream file)
    {
        if (!OperatingSystem.IsLinux())
        {
            file.Flush(flushToDisk: true);
            return;
        }
        file.Flush();
        if (Fdatasync(file.SafeFileHandle) != 0)
        {
            throw new IOException($"The file {file.Name} could not be flushed to disk (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(SafeFileHandle descriptor);
}
