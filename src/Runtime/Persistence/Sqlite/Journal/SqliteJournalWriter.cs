using System.Diagnostics;
using MachineGrid.Runtime.Persistence.GroupCommit;

namespace MachineGrid.Runtime.Persistence.Sqlite.Journal;

/// <summary>
/// The group committer's writer for a journaled SQLite database. For each batch it checks every write's ETag against
/// the journal's unapplied changes and then SQLite, records each accepted write's new image, and appends the images
/// as one journal record; the batch is durable once that record is flushed. SQLite is written later, by the applier.
/// </summary>
internal sealed class SqliteJournalWriter(SqliteJournal journal, SchemaInitializer schema, JournalPolicy policy) : IBatchWriter
{
    private readonly Dictionary<RecordKey, long?> storedStates = [];
    private readonly Dictionary<RecordKey, long?> storedReminders = [];
    private Task lastAppend = Task.CompletedTask;

    /// <inheritdoc />
    public async Task<Task> CommitAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (journal.Appender.Failure is { } failure)
        {
            throw failure;
        }
        await HandOverIfDueAsync(batch).ConfigureAwait(false);
        // Reading SQLite is the only step that can fail; it happens before any write is accepted.
        ReadStoredVersions(batch);
        var encoder = new JournalEncoder();
        foreach (var write in batch)
        {
            Accept(write, encoder);
        }
        if (encoder.IsEmpty)
        {
            return lastAppend;
        }
        var (record, length) = encoder.Finish(journal.Appender.AppendingTo);
        return lastAppend = journal.Appender.AppendAsync(record, length);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (schema.IsCreated)
        {
            journal.Close();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Freezes the unapplied changes for the applier when they are old or many enough, or when asked to.</summary>
    private async Task HandOverIfDueAsync(IReadOnlyList<PendingWrite> batch)
    {
        var changes = journal.Changes;
        if (changes.Frozen is not null)
        {
            if (changes.Active.Count < policy.HardLimit)
            {
                return;
            }
            await journal.Applier.WhenIdle().ConfigureAwait(false);
        }
        var active = changes.Active;
        if (active.Count > 0
            && (active.Count >= policy.MaxChanges || Stopwatch.GetElapsedTime(active.FirstChangeAt) >= policy.ApplyAfter || batch.Any(write => write is PendingApplyRequest)))
        {
            var frozen = changes.Freeze();
            var (sequence, closed) = journal.Appender.Rotate();
            journal.Applier.Apply(frozen, sequence, closed);
        }
    }

    /// <summary>
    /// The version each record the batch writes had before it, from the frozen changes or SQLite, for records the
    /// active changes do not hold: the frozen set may be dropped meanwhile, once SQLite holds it.
    /// </summary>
    private void ReadStoredVersions(IReadOnlyList<PendingWrite> batch)
    {
        storedStates.Clear();
        storedReminders.Clear();
        var changes = journal.Changes;
        foreach (var write in batch)
        {
            if (write is not PendingRecordWrite record)
            {
                continue;
            }
            var key = RecordKey.Of(record.GrainId, record.Name);
            if (record is PendingStateWrite)
            {
                if (!changes.Active.States.ContainsKey(key) && !storedStates.ContainsKey(key))
                {
                    storedStates[key] = changes.TryGetStateForWriter(key, out var image) ? image.Version : journal.Versions.State(key);
                }
            }
            else if (!changes.Active.Reminders.ContainsKey(key) && !storedReminders.ContainsKey(key))
            {
                storedReminders[key] = changes.TryGetReminderForWriter(key, out var image) ? image?.Version : journal.Versions.Reminder(key);
            }
        }
    }

    private void Accept(PendingWrite write, JournalEncoder encoder)
    {
        switch (write)
        {
            case PendingStateWrite state:
                AcceptState(state, encoder);
                break;
            case PendingReminderUpsert upsert:
                var version = (ReminderVersion(RecordKey.Of(upsert.GrainId, upsert.Name)) ?? 0) + 1;
                RecordReminder(RecordKey.Of(upsert.GrainId, upsert.Name), new ReminderImage(upsert.StartAtTicks, upsert.PeriodTicks, version), encoder);
                upsert.RecordStored(version);
                break;
            case PendingReminderRemoval removal:
                var key = RecordKey.Of(removal.GrainId, removal.Name);
                var stored = ReminderVersion(key);
                var removed = stored is not null && (removal.ExpectedVersion is null || removal.ExpectedVersion == stored);
                if (removed)
                {
                    RecordReminder(key, null, encoder);
                }
                removal.RecordRemoved(removed);
                break;
            case PendingIndexWrite index:
                foreach (var change in index.Changes)
                {
                    journal.Changes.RecordIndexRow(change.Table, encoder.IndexRow(change.Table, change.Key, change.Value), change.Value);
                }
                break;
            case PendingApplyRequest:
                break;
            default:
                throw new ArgumentException($"Unknown write {write.GetType().Name}.", nameof(write));
        }
    }

    private void AcceptState(PendingStateWrite write, JournalEncoder encoder)
    {
        var key = RecordKey.Of(write.GrainId, write.Name);
        var current = journal.Changes.Active.States.TryGetValue(key, out var image) ? image.Version : storedStates[key];
        if (write.ExpectedVersion is null ? current is not null : current != write.ExpectedVersion)
        {
            write.RecordConflict(current);
            return;
        }
        journal.Changes.RecordState(key, write.Data, write.NewVersion);
        encoder.State(key, write.Data, write.NewVersion);
        write.RecordApplied();
    }

    /// <summary>The reminder's current version, counting changes accepted earlier in this batch; null when there is no row.</summary>
    private long? ReminderVersion(RecordKey key) =>
        journal.Changes.Active.Reminders.TryGetValue(key, out var image) ? image?.Version : storedReminders[key];

    private void RecordReminder(RecordKey key, ReminderImage? image, JournalEncoder encoder)
    {
        journal.Changes.RecordReminder(key, image);
        encoder.Reminder(key, image);
    }
}
