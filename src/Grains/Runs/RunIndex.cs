using System.Text.Json;
using MachineGrid.Runtime.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// Query-side index of runs in the <c>runs</c> index table, so lists stay fast at millions of stored runs. Each run has a
/// row <c>a/{time}/{id}</c> holding its view (together, the list of all runs), and key-only rows by status, group,
/// machine and submitter: <c>…/t/{time}/{id}</c> and, except for machines, <c>…/s/{bucket}/{time}/{id}</c>. Keys embed
/// the enqueue time inverted, so a forward scan of a prefix yields newest first. Runs not ended (Queued, Assigned,
/// Running) share the bucket <c>Active</c> and their stored view is the one written at submission: they pass through
/// these states within moments, so lists ask such runs for their current view instead, and only submission, a change
/// of machine and the end of a run write rows.
/// </summary>
public sealed class RunIndex(IIndexStore index)
{
    /// <summary>The index table.</summary>
    public const string Table = "runs";

    /// <summary>
    /// Most rows one page request reads while filtering by status. A filter that matches few of many rows (a machine's
    /// running run among its history, or one status among a long queue) returns a shorter page with a cursor to go on
    /// from, instead of reading the whole prefix in one request.
    /// </summary>
    public const int MaxScannedRows = 1000;

    /// <summary>Rows holding each run's view (written at submission and at the end), which also list every run newest first.</summary>
    private const string ViewPrefix = "a/";

    /// <summary>Moves the run's rows from where its previous status and machine put them (null when new) to its current view.</summary>
    public Task UpdateAsync(string submitterId, string groupId, (RunStatus Status, string? MachineId)? before, RunView after)
    {
        // Built from what changed rather than by comparing key sets: this runs at every step of every run.
        var suffix = Suffix(after);
        var bucket = Bucket(after.Status);
        var changes = new List<IndexChange>(8);
        if (before is null)
        {
            changes.Add(IndexChange.Put(Table, $"p/{submitterId}/t/{suffix}", []));
            changes.Add(IndexChange.Put(Table, $"g/{groupId}/t/{suffix}", []));
            AddStatusRows(changes, submitterId, groupId, bucket, suffix, put: true);
        }
        else if (Bucket(before.Value.Status) is var previous && previous != bucket)
        {
            AddStatusRows(changes, submitterId, groupId, previous, suffix, put: false);
            AddStatusRows(changes, submitterId, groupId, bucket, suffix, put: true);
        }
        if (before?.MachineId != after.MachineId)
        {
            // Only one row per machine: keyed by machine, these rows land on a different page for each run.
            if (before?.MachineId is { } previousMachine)
            {
                changes.Add(IndexChange.Delete(Table, $"m/{previousMachine}/t/{suffix}"));
            }
            if (after.MachineId is { } machine)
            {
                changes.Add(IndexChange.Put(Table, $"m/{machine}/t/{suffix}", []));
            }
        }
        if (before is null || IsEnded(after.Status))
        {
            changes.Add(IndexChange.Put(Table, ViewPrefix + suffix, JsonSerializer.SerializeToUtf8Bytes(after)));
        }
        return changes.Count == 0 ? Task.CompletedTask : index.ApplyAsync(changes);
    }

    /// <summary>
    /// One page of runs under an index prefix (see <see cref="PrefixFor"/>), newest first; only those in
    /// <paramref name="status"/> when given. Runs not ended are asked for their current view through <paramref name="current"/>.
    /// A filtered page stops after <see cref="MaxScannedRows"/> rows read, possibly short of <paramref name="limit"/>,
    /// with a cursor after the last row read.
    /// </summary>
    public async Task<Page<RunView>> PageAsync(string prefix, string? cursor, int limit, RunStatus? status, Func<string, Task<RunView>> current)
    {
        var views = new List<RunView>(limit);
        var after = cursor is null ? null : prefix + cursor;
        string? last = null;
        var scanned = 0;
        while (true)
        {
            var rows = await index.ScanAsync(Table, prefix, after, limit + 1);
            scanned += rows.Count;
            var suffixes = rows.Select(r => r.Key[prefix.Length..]).ToList();
            var found = await Task.WhenAll(rows.Select(async (row, i) =>
            {
                var stored = prefix == ViewPrefix ? JsonSerializer.Deserialize<RunView>(row.Value)! : await ViewAsync(suffixes[i]);
                return IsEnded(stored.Status) ? stored : await current(stored.Id);
            }));
            for (var i = 0; i < found.Length; i++)
            {
                if (status is not null && found[i].Status != status)
                {
                    continue;
                }
                if (views.Count == limit)
                {
                    return new Page<RunView>(views, last);
                }
                views.Add(found[i]);
                last = suffixes[i];
            }
            if (rows.Count <= limit)
            {
                return new Page<RunView>(views, null);
            }
            if (scanned >= MaxScannedRows)
            {
                return new Page<RunView>(views, suffixes[^1]);
            }
            after = rows[^1].Key;
        }
    }

    /// <summary>The index prefix that answers a filter for the actor (admins see all; others their own submissions unless a group or machine is given).</summary>
    public static string PrefixFor(Actor actor, RunFilter filter)
    {
        var status = filter.Status is { } s ? $"s/{Bucket(s)}/" : "t/";
        if (filter.MachineId is { } machine)
        {
            // A machine's rows are not kept by status: the status filter reads its runs newest first.
            return $"m/{machine}/t/";
        }
        if (filter.GroupId is { } group)
        {
            return $"g/{group}/{status}";
        }
        if (actor.IsAdmin)
        {
            return filter.Status is { } only ? $"s/{Bucket(only)}/" : ViewPrefix;
        }
        return $"p/{actor.Id}/{status}";
    }

    /// <summary>Puts or deletes the run's rows under its status bucket: all runs, its submitter's and its group's.</summary>
    private static void AddStatusRows(List<IndexChange> changes, string submitterId, string groupId, string bucket, string suffix, bool put)
    {
        foreach (var key in (ReadOnlySpan<string>)[$"s/{bucket}/{suffix}", $"p/{submitterId}/s/{bucket}/{suffix}", $"g/{groupId}/s/{bucket}/{suffix}"])
        {
            changes.Add(put ? IndexChange.Put(Table, key, []) : IndexChange.Delete(Table, key));
        }
    }

    private async Task<RunView> ViewAsync(string suffix)
    {
        var row = await index.ScanAsync(Table, ViewPrefix + suffix, null, 1);
        return JsonSerializer.Deserialize<RunView>(row[0].Value)!;
    }

    /// <summary>Whether a run in <paramref name="status"/> has ended for good.</summary>
    public static bool IsEnded(RunStatus status) => status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled or RunStatus.TimedOut;

    private static string Bucket(RunStatus status) => IsEnded(status) ? status.ToString() : "Active";

    private static string Suffix(RunView view) => $"{long.MaxValue - view.EnqueuedAt.UtcTicks:D19}/{view.Id}";
}
