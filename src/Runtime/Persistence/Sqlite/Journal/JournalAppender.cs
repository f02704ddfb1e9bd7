using System.Buffers;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// Appends records to the current journal file and flushes them to disk on a thread of its own: the writer hands over
/// a record and goes on with the next batch, and one flush covers every record written before it began; only then are
/// a record's writes acknowledged. <see cref="Rotate"/> closes the current file (flushed) and starts the next, in
/// order with the records. A failed write or flush leaves the file's state on disk unknown, so it fails those records
/// and every later one: the silo must be restarted, and recovers from what reached the disk.
/// </summary>
internal sealed class JournalAppender : IDisposable
{
    private readonly JournalFiles files;
    private readonly Action<FileStream> flush;
    private readonly object gate = new();
    private readonly Thread thread;
    private List<Operation> waiting = [];
    private List<Operation> taken = [];
    private FileStream file;
    private long sequence;
    private long rotations;
    private Exception? failure;
    private bool stopping;
    private bool abandoned;

    /// <summary>Starts appending to journal file <paramref name="firstSequence"/> (made from the spare, or created).</summary>
    /// <param name="files">The database's journal files.</param>
    /// <param name="firstSequence">Number of the first file.</param>
    /// <param name="flush">Flushes the open file's data to disk; tests pass one that waits or fails.</param>
    public JournalAppender(JournalFiles files, long firstSequence, Action<FileStream>? flush = null)
    {
        this.files = files;
        this.flush = flush ?? DataSync.Flush;
        sequence = firstSequence;
        rotations = firstSequence;
        file = Create(sequence);
        thread = new Thread(Run) { IsBackground = true, Name = "Journal append" };
        thread.Start();
    }

    /// <summary>Why the journal could not be written, once a write or flush failed; null while all is well.</summary>
    public Exception? Failure
    {
        get
        {
            lock (gate)
            {
                return failure;
            }
        }
    }

    /// <summary>
    /// Queues a record (a pooled buffer, returned to the pool once written); the task completes once it is on disk.
    /// </summary>
    public Task AppendAsync(byte[] record, int length) => Queue(new Operation(record, length));

    /// <summary>The number of the file a record queued now lands in (the caller of <see cref="Rotate"/> reads it).</summary>
    public long AppendingTo => rotations;

    /// <summary>The number of the file being appended to; after <see cref="Dispose"/>, of the last file.</summary>
    public long CurrentSequence => Volatile.Read(ref sequence);

    /// <summary>
    /// Ends the current file after the records queued so far (one caller at a time): returns that file's number, and a
    /// task that completes once its records are all on disk and it is closed. Later records go to the next file.
    /// </summary>
    public (long Sequence, Task Closed) Rotate() => (rotations++, Queue(new Operation(null, 0)));

    /// <summary>Writes and flushes what is queued, then stops the thread and closes the file.</summary>
    public void Dispose() => Stop(abandon: false);

    /// <summary>Stops at once, as a killed process would: what is queued is never written and its tasks fail.</summary>
    public void Abandon() => Stop(abandon: true);

    private Task Queue(Operation operation)
    {
        lock (gate)
        {
            if (failure is not null || stopping)
            {
                operation.Done.SetException(failure ?? new ObjectDisposedException(nameof(JournalAppender), "The storage is shut down and accepts no more writes."));
                operation.Release();
                return operation.Done.Task;
            }
            waiting.Add(operation);
            if (waiting.Count == 1)
            {
                Monitor.Pulse(gate);
            }
        }
        return operation.Done.Task;
    }

    private void Stop(bool abandon)
    {
        lock (gate)
        {
            if (stopping)
            {
                return;
            }
            stopping = true;
            abandoned = abandon;
            Monitor.Pulse(gate);
        }
        thread.Join();
        file.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            lock (gate)
            {
                while (waiting.Count == 0 && !stopping)
                {
                    Monitor.Wait(gate);
                }
                if (waiting.Count == 0 || abandoned)
                {
                    Fail(waiting, new ObjectDisposedException(nameof(JournalAppender), "The storage stopped before the write reached the journal."));
                    return;
                }
                (waiting, taken) = (taken, waiting);
            }
            var error = WriteAll(taken);
            foreach (var operation in taken)
            {
                if (error is null)
                {
                    operation.Done.SetResult();
                }
                else
                {
                    operation.Done.SetException(error);
                }
            }
            taken.Clear();
        }
    }

    private Exception? WriteAll(List<Operation> operations)
    {
        try
        {
            if (Failure is { } earlier)
            {
                return earlier;
            }
            var unflushed = false;
            foreach (var operation in operations)
            {
                if (operation.Record is { } record)
                {
                    file.Write(record, 0, operation.Length);
                    operation.Release();
                    unflushed = true;
                }
                else
                {
                    flush(file);
                    unflushed = false;
                    file.Dispose();
                    file = Create(sequence + 1);
                    Volatile.Write(ref sequence, sequence + 1);
                }
            }
            if (unflushed)
            {
                flush(file);
            }
            return null;
        }
        catch (Exception ex)
        {
            foreach (var operation in operations)
            {
                operation.Release();
            }
            var error = new IOException($"The journal file {file.Name} could not be written to disk; writes since the last flush may be lost. Restart the silo.", ex);
            lock (gate)
            {
                failure ??= error;
                return failure;
            }
        }
    }

    private static void Fail(List<Operation> operations, Exception error)
    {
        foreach (var operation in operations)
        {
            operation.Release();
            operation.Done.SetException(error);
        }
        operations.Clear();
    }

    /// <summary>
    /// Creates journal file <paramref name="number"/>, from the spare when there is one (written over from its start),
    /// and flushes its folder, so the file is found after a power loss.
    /// </summary>
    private FileStream Create(long number)
    {
        var path = files.PathOf(number);
        var mode = files.TryTakeSpare(path) ? FileMode.Open : FileMode.Create;
        var created = new FileStream(path, mode, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
        return created;
    }

    /// <summary>A record to append (with its pooled buffer), or a rotation (no record).</summary>
    private sealed class Operation(byte[]? record, int length)
    {
        public byte[]? Record { get; private set; } = record;

        public int Length { get; } = length;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release()
        {
            if (Record is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                Record = null;
            }
        }
    }
}
