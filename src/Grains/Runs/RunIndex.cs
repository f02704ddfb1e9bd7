using System.Text.Json;
using MachineGrid.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// Query-side index of runs in the <c>runs</c> index table, so lists stay fast at millions of stored runs. Each run has a
/// row <c>a/{time}/{id}</c> (together, the list of all runs) and key-only rows by group and submitter:
/// <c>…/t/{time}/{id}</c>. Keys embed the enqueue time inverted, so a forward scan of a prefix yields newest first. Runs
/// not ended (Queued, Assigned, Running) pass through those states within moments, so their <c>a/</c> row is empty and
/// lists ask such runs for their current view; once a run ends, the row holds its final view and it is filed under the
/// machine it ran on (<c>m/{machine}/t/…</c>). A run that ended other than Succeeded is also filed under its status
/// (<c>s/{status}/…</c>, and the same under its group and submitter), so the failures stay quick to find among many
/// successes. Lists of Succeeded runs, or of runs not ended, read the time rows and filter (most runs succeed, so a
/// Succeeded filter finds its page within the first rows), or ask the group or machine, which hold all their runs not
/// ended. So a run writes rows when it is submitted and when it ends, and nothing in between.
/// </summary>
public sealed class RunIndex(IReadModel index)
{
    /// <summary>The index table.</summary>
    public const string Table = "runs";

    /// <summary>
    /// Most rows one page request reads while filtering by status. A filter that matches few of many rows (a submitter's
    /// running run among its history, or a machine's failed runs among its successes) returns a shorter page with a
    /// cursor to go on from, instead of reading the whole prefix in one request.
    /// </summary>
    public const int MaxScannedRows = 1000;

    /// <summary>Rows of every run, newest first, holding the views of ended runs.</summary>
    private const string ViewPrefix = "a/";

    /// <summary>
    /// Writes the run's rows for its current view, given the status last indexed (null when new). When the run ends, the
    /// same commit deletes its row in its group (<see cref="GroupRunRows"/>).
    /// </summary>
    public Task UpdateAsync(string submitterId, string groupId, RunStatus? before, RunView after)
    {
        // Built from what changed rather than by comparing key sets: this runs at every step of every run.
        var suffix = Suffix(after.EnqueuedAt, after.Id);
        var ended = IsEnded(after.Status);
        var changes = new List<RowChange>(7);
        if (before is null)
        {
            changes.Add(RowChange.Put(Table, $"p/{submitterId}/t/{suffix}", []));
            changes.Add(RowChange.Put(Table, $"g/{groupId}/t/{suffix}", []));
        }
        if (ended && before != after.Status)
        {
            if (before is { } previous && HasStatusRows(previous))
            {
                AddStatusRows(changes, submitterId, groupId, previous, suffix, put: false);
            }
            if (HasStatusRows(after.Status))
            {
                AddStatusRows(changes, submitterId, groupId, after.Status, suffix, put: true);
            }
            if (after.MachineId is { } machine)
            {
                // The machine holds its runs until they end; only then are they filed under it, on a page of its own.
                changes.Add(RowChange.Put(Table, $"m/{machine}/t/{suffix}", []));
            }
            // The group let the run go in memory; its row goes in the same commit as the end, not before it.
            changes.Add(GroupRunRows.Release(groupId, after.Id));
        }
        if (before is null || ended)
        {
            changes.Add(RowChange.Put(Table, ViewPrefix + suffix, ended ? JsonSerializer.SerializeToUtf8Bytes(after, GrainStateJsonContext.Default.RunView) : []));
        }
        return changes.Count == 0 ? Task.CompletedTask : index.WriteAsync(changes);
    }

    /// <summary>Deletes the rows a new run's first write put (<see cref="UpdateAsync"/> with no status before), after that write failed.</summary>
    public Task WithdrawAsync(string submitterId, string groupId, RunView first)
    {
        var suffix = Suffix(first.EnqueuedAt, first.Id);
        return index.WriteAsync(
        [
            RowChange.Delete(Table, $"p/{submitterId}/t/{suffix}"),
            RowChange.Delete(Table, $"g/{groupId}/t/{suffix}"),
            RowChange.Delete(Table, ViewPrefix + suffix),
        ]);
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
                var stored = StoredView(prefix == ViewPrefix ? row.Value : await ViewAsync(suffixes[i]));
                return stored is not null && IsEnded(stored.Status) ? stored : await current(IdOf(suffixes[i]));
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

    /// <summary>
    /// One page, newest first, of runs not ended held by a group or machine (<see cref="IMachineGroupGrain.RunsIn"/>,
    /// <see cref="IMachineGrain.RunsIn"/>); each is asked for its current view, and one that moved on to another status
    /// than <paramref name="status"/> meanwhile is left out.
    /// </summary>
    public static async Task<Page<RunView>> PageAsync(IReadOnlyList<RunNotEnded> runs, string? cursor, int limit, RunStatus status, Func<string, Task<RunView>> current)
    {
        var keys = After(runs, cursor).Take(limit + 1).ToList();
        var page = keys.Take(limit).ToList();
        var views = await Task.WhenAll(page.Select(r => current(r.RunId)));
        return new Page<RunView>([.. views.Where(v => v.Status == status)], keys.Count > limit ? page[^1].Suffix : null);
    }

    /// <summary>
    /// One page of a machine's runs, newest first: those ended, filed under it in the index, merged with those not
    /// ended that it holds (<paramref name="held"/>), asked for their current view.
    /// </summary>
    public async Task<Page<RunView>> MachinePageAsync(string machineId, IReadOnlyList<RunNotEnded> held, string? cursor, int limit, Func<string, Task<RunView>> current)
    {
        var filed = await PageAsync($"m/{machineId}/t/", cursor, limit, null, current);
        var live = await Task.WhenAll(After(held, cursor).Take(limit).Select(async r => (r.Suffix, View: await current(r.RunId))));
        // The first `limit` of the union lie among the index page and the held runs; a run just ended may be in both.
        var merged = filed.Items.Select(v => (Suffix: Suffix(v.EnqueuedAt, v.Id), View: v))
            .Concat(live.Where(l => !filed.Items.Any(v => v.Id == l.View.Id)))
            .OrderBy(r => r.Suffix, StringComparer.Ordinal)
            .ToList();
        var items = merged.Take(limit).ToList();
        var more = merged.Count > limit || filed.Next is not null;
        return new Page<RunView>([.. items.Select(r => r.View)], more && items.Count > 0 ? items[^1].Suffix : null);
    }

    /// <summary>
    /// The index prefix that answers a filter for the actor (admins see all; others their own submissions unless a group
    /// or machine is given). Statuses without rows of their own (Succeeded and those not ended) read the runs newest first
    /// and filter; a machine's rows hold only its ended runs (see <see cref="MachinePageAsync"/>).
    /// </summary>
    public static string PrefixFor(Actor actor, RunFilter filter)
    {
        var status = filter.Status is { } s && HasStatusRows(s) ? $"s/{s}/" : "t/";
        if (filter.MachineId is { } machine)
        {
            return $"m/{machine}/t/";
        }
        if (filter.GroupId is { } group)
        {
            return $"g/{group}/{status}";
        }
        if (actor.IsAdmin)
        {
            return status == "t/" ? ViewPrefix : status;
        }
        return $"p/{actor.Id}/{status}";
    }

    /// <summary>The held runs after the cursor, newest first, with their key suffixes.</summary>
    private static IEnumerable<(string Suffix, string RunId)> After(IReadOnlyList<RunNotEnded> runs, string? cursor) =>
        runs.Select(r => (Suffix: Suffix(r.EnqueuedAt, r.RunId), r.RunId))
            .Where(r => cursor is null || string.CompareOrdinal(r.Suffix, cursor) > 0)
            .OrderBy(r => r.Suffix, StringComparer.Ordinal);

    /// <summary>Puts or deletes the rows filing an ended run under its status: among all runs, its submitter's and its group's.</summary>
    private static void AddStatusRows(List<RowChange> changes, string submitterId, string groupId, RunStatus status, string suffix, bool put)
    {
        var name = status.ToString();
        foreach (var key in (ReadOnlySpan<string>)[$"s/{name}/{suffix}", $"p/{submitterId}/s/{name}/{suffix}", $"g/{groupId}/s/{name}/{suffix}"])
        {
            changes.Add(put ? RowChange.Put(Table, key, []) : RowChange.Delete(Table, key));
        }
    }

    /// <summary>
    /// The view an ended run was filed with, which is that run's record once it ended; null when the run has not ended
    /// (or was never filed).
    /// </summary>
    public async Task<RunView?> EndedViewAsync(DateTimeOffset enqueuedAt, string runId)
    {
        var view = StoredView(await ViewAsync(Suffix(enqueuedAt, runId)));
        return view is not null && IsEnded(view.Status) ? view : null;
    }

    private async Task<byte[]> ViewAsync(string suffix)
    {
        var row = await index.ScanAsync(Table, ViewPrefix + suffix, null, 1);
        return row.Count == 0 ? [] : row[0].Value;
    }

    /// <summary>The view stored in an <c>a/</c> row; null for an empty row (a run not ended).</summary>
    private static RunView? StoredView(byte[] value) => value.Length == 0 ? null : JsonSerializer.Deserialize(value, GrainStateJsonContext.Default.RunView);

    /// <summary>
    /// Whether runs that ended in <paramref name="status"/> are filed under it. Succeeded runs are not: they are most
    /// runs, so a filter for them finds its page by reading the time rows, and filing them would cost three rows each.
    /// </summary>
    public static bool HasStatusRows(RunStatus status) => IsEnded(status) && status != RunStatus.Succeeded;

    /// <summary>Whether a run in <paramref name="status"/> has ended for good.</summary>
    public static bool IsEnded(RunStatus status) => status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled or RunStatus.TimedOut;

    private static string Suffix(DateTimeOffset enqueuedAt, string runId) => $"{long.MaxValue - enqueuedAt.UtcTicks:D19}/{runId}";

    /// <summary>The run id at the end of a key suffix (<c>{inverted time:D19}/{id}</c>).</summary>
    private static string IdOf(string suffix) => suffix[20..];
}
