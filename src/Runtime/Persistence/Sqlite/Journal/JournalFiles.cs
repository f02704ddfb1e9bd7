using System.Globalization;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Where a database's journal lives: numbered files beside the database (<c>name.db-journal-0000000001</c>), each
/// holding the records of one stretch between two applies to SQLite; the spare (<c>name.db-journal-spare</c>), the
/// last file SQLite took in, kept to become the next file; and the lock file that keeps a second silo (another
/// process, or a second host in this one) off the same database.
/// </summary>
/// <remarks>
/// A journal file made from the spare already has its size and its disk blocks, so appending to it changes none of
/// its metadata, and a data flush (<see cref="DataSync"/>) writes only the appended pages rather than the file's inode
/// as well. The records it holds from its earlier use fail their checksum, which is seeded with the file's number.
/// </remarks>
internal sealed class JournalFiles(string databasePath)
{
    private readonly string prefix = databasePath + "-journal-";

    /// <summary>The path of journal file <paramref name="sequence"/>.</summary>
    public string PathOf(long sequence) => prefix + sequence.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>The path of the spare, which <see cref="Existing"/> does not list.</summary>
    public string SparePath => prefix + "spare";

    /// <summary>Makes journal file <paramref name="sequence"/>, which SQLite now holds, the spare (replacing an older one).</summary>
    public void Recycle(long sequence) => File.Move(PathOf(sequence), SparePath, overwrite: true);

    /// <summary>Renames the spare to <paramref name="destination"/>; false when there is none.</summary>
    public bool TryTakeSpare(string destination)
    {
        try
        {
            File.Move(SparePath, destination);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The journal files on disk, oldest first, with their sequence numbers.</summary>
    public IReadOnlyList<(long Sequence, string Path)> Existing()
    {
        var directory = Path.GetDirectoryName(prefix) is { Length: > 0 } folder ? folder : ".";
        var name = Path.GetFileName(prefix);
        return [.. Directory.EnumerateFiles(directory, name + "*")
            .Select(path => (Parsed: long.TryParse(Path.GetFileName(path).AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence), Sequence: sequence, Path: path))
            .Where(file => file.Parsed)
            .OrderBy(file => file.Sequence)
            .Select(file => (file.Sequence, file.Path))];
    }

    /// <summary>
    /// Takes the database's lock file, exclusively, until the returned stream is disposed. The lock is the kernel's
    /// (<c>flock</c>), so it is released when the process dies however it ends.
    /// </summary>
    /// <exception cref="IOException">Another silo holds the database.</exception>
    public FileStream Lock()
    {
        var path = databasePath + ".lock";
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The database {databasePath} is in use by another silo (its lock file {path} is held).", ex);
        }
    }
}
