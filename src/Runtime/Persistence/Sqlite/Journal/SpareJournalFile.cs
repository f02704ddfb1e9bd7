namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Keeps the next journal file ready beside the database: <see cref="Size"/> bytes of zeros, flushed to disk, under a
/// name a replay ignores. A journal file that starts from it has its size already, so appending to it changes no file
/// size, and a data flush (<see cref="DataSync"/>) writes only the appended pages, not the file's metadata as well. A
/// replay reads the zeros after the last record as the end of the file, as it reads a record a crash tore.
/// </summary>
internal sealed class SpareJournalFile : IDisposable
{
    /// <summary>The size a spare is made with; a journal file that outgrows it grows as before.</summary>
    public const int Size = 4 * 1024 * 1024;

    private static readonly byte[] Zeros = new byte[1024 * 1024];
    private readonly string path;
    private Task<bool> preparing;

    /// <summary>Starts preparing a spare at <paramref name="path"/> (replacing whatever a crash left there).</summary>
    public SpareJournalFile(string path)
    {
        this.path = path;
        preparing = PrepareAsync();
    }

    /// <summary>
    /// Moves the spare to <paramref name="destination"/> (replacing a file there) when it is ready, and starts preparing the
    /// next one; false when it is not ready yet or could not be made or moved, and the caller creates an empty file instead.
    /// </summary>
    public bool TryTake(string destination)
    {
        if (!preparing.IsCompletedSuccessfully || !preparing.Result)
        {
            return false;
        }
        try
        {
            File.Move(path, destination, overwrite: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        finally
        {
            preparing = PrepareAsync();
        }
    }

    /// <summary>Waits for a spare in preparation and deletes it.</summary>
    public void Dispose()
    {
        preparing.Wait();
        File.Delete(path);
    }

    private Task<bool> PrepareAsync() => Task.Run(() =>
    {
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
            for (var written = 0; written < Size; written += Zeros.Length)
            {
                file.Write(Zeros);
            }
            file.Flush(flushToDisk: true);
            return true;
        }
        catch (IOException)
        {
            // No spare this time: the next journal file starts empty, as it did before spares.
            return false;
        }
    });
}
