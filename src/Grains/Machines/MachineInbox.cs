namespace MachineGrid.Grains;

/// <summary>
/// The runs placed on a machine, seen from the machine: offered and not yet taken by the agent (pending), taken, and
/// started. An agent's long-poll waits here for the next offer, so it wakes on whichever silo holds the machine.
/// </summary>
internal sealed class MachineInbox(Func<MachineState> machine)
{
    private const int RememberedWithdrawals = 256;

    // Orleans deactivates a machine only once its running calls end, waits included: short slices keep a deactivation
    // (idle collection, a stopping silo) from waiting long on a long-poll.
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private readonly HashSet<(string RunId, DateTimeOffset AcknowledgeBy)> withdrawn = [];
    private readonly Queue<(string RunId, DateTimeOffset AcknowledgeBy)> withdrawnOrder = new();
    private TaskCompletionSource? offered;

    private MachineState Machine => machine();

    /// <summary>Places the run; placing a run already held (an activation's rebuild and an offer crossing it) changes nothing.</summary>
    public void Place(Assignment assignment, bool started)
    {
        if (Machine.Runs.TryGetValue(assignment.RunId, out var held) && held == assignment)
        {
            return;
        }
        Machine.Runs[assignment.RunId] = assignment;
        Machine.Pending.Remove(assignment.RunId);
        Machine.Started.Remove(assignment.RunId);
        (started ? Machine.Started : Machine.Pending).Add(assignment.RunId);
    }

    /// <summary>Places the offered run and wakes a waiting poll; false when the offer was withdrawn before it arrived.</summary>
    public bool Offer(Assignment assignment)
    {
        if (withdrawn.Contains((assignment.RunId, assignment.AcknowledgeBy)))
        {
            return false;
        }
        Place(assignment, started: false);
        var woken = offered;
        offered = null;
        woken?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Forgets the run if the offer it holds is the one withdrawn; a later offer of the same run stays. The withdrawal is
    /// remembered, so its offer is refused should it arrive after it. Returns whether a run was forgotten.
    /// </summary>
    public bool Withdraw(string runId, DateTimeOffset acknowledgeBy)
    {
        if (withdrawn.Add((runId, acknowledgeBy)))
        {
            withdrawnOrder.Enqueue((runId, acknowledgeBy));
            if (withdrawnOrder.Count > RememberedWithdrawals)
            {
                withdrawn.Remove(withdrawnOrder.Dequeue());
            }
        }
        if (Machine.Runs.TryGetValue(runId, out var held) && held.AcknowledgeBy == acknowledgeBy)
        {
            Forget(runId);
            return true;
        }
        return false;
    }

    public IReadOnlyList<Assignment> Take(int max)
    {
        if (Machine.Pending.Count == 0)
        {
            return [];
        }
        var found = Machine.Pending.Where(Machine.Runs.ContainsKey).Take(max).Select(id => Machine.Runs[id]).ToList();
        Machine.Pending.RemoveAll(id => !Machine.Runs.ContainsKey(id) || found.Any(a => a.RunId == id));
        return found;
    }

    /// <summary>Takes what is pending, or waits up to <paramref name="wait"/> (at most <see cref="MaxWait"/>) for an offer and takes then.</summary>
    public async Task<IReadOnlyList<Assignment>> WaitAndTakeAsync(int max, TimeSpan wait, TimeProvider time)
    {
        DomainException.Require(max > 0 && wait >= TimeSpan.Zero && wait <= MaxWait, $"max must be positive and wait at most {MaxWait.TotalSeconds} s.");
        var taken = Take(max);
        if (taken.Count > 0 || wait <= TimeSpan.Zero)
        {
            return taken;
        }
        offered ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource(wait, time);
        await offered.Task.WaitAsync(timeout.Token).ContinueWith(static _ => { }, TaskScheduler.Current);
        return Take(max);
    }

    /// <summary>Releases every waiter empty-handed (Orleans deactivates only after running calls end, so none is left by then).</summary>
    public void Release()
    {
        var woken = offered;
        offered = null;
        woken?.TrySetResult();
    }

    public void MarkStarted(string runId)
    {
        Machine.Pending.Remove(runId);
        Machine.Started.Add(runId);
    }

    public void Forget(string runId)
    {
        Machine.Runs.Remove(runId);
        Machine.Pending.Remove(runId);
        Machine.Started.Remove(runId);
    }

    public bool Holds(string runId) => Machine.Runs.ContainsKey(runId);

    public IReadOnlyList<RunNotEnded> RunsIn(RunStatus? status) => [.. Machine.Runs.Values
        .Where(a => status is null || (status is RunStatus.Assigned or RunStatus.Running && Machine.Started.Contains(a.RunId) == (status == RunStatus.Running)))
        .Select(a => new RunNotEnded(a.RunId, a.EnqueuedAt))];

    /// <summary>
    /// Sessions: each signed-in user with the run placed on it, and users with a run but not signed in. Two runs of one
    /// user can be held here (a run its group let go while the machine was offline stays until the agent ends it or the
    /// grain reactivates); a user has one session, which shows the run placed last.
    /// </summary>
    public IReadOnlyList<SessionView> Sessions(IReadOnlyList<string> signedIn)
    {
        var runByUser = Machine.Runs.Values
            .GroupBy(a => a.Username, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(runs => runs.Key, runs => runs.MaxBy(a => a.AcknowledgeBy)!.RunId, StringComparer.OrdinalIgnoreCase);
        return [.. signedIn.Select(u => new SessionView(u, runByUser.GetValueOrDefault(u)))
            .Concat(runByUser.Where(r => !signedIn.Contains(r.Key, StringComparer.OrdinalIgnoreCase)).Select(r => new SessionView(r.Key, r.Value)))];
    }
}
