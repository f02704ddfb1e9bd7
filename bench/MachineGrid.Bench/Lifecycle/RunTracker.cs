using System.Diagnostics;
using System.Globalization;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Follows every run of a benchmark by ticket number, carried in the run's flow id (<c>bench-{ticket}</c>) so an agent
/// can tell which run it was handed before the submitter has even seen the run id. Records when each was submitted, how
/// long the submit call took, when its agent received it and when it completed.
/// </summary>
public sealed class RunTracker
{
    private const string Prefix = "bench-";
    private readonly long[] submittedAt;
    private readonly double[] submitMs;
    private readonly double[] assignMs;
    private readonly double[] startMs;
    private readonly double[] completeMs;
    private readonly double[] handoffMs;
    private readonly long[] submitAnsweredAt;
    private readonly long[] handoffFreedAt;
    private readonly TaskCompletionSource?[] completed;
    private int completedCount;

    /// <summary>Room for <paramref name="capacity"/> tickets.</summary>
    public RunTracker(int capacity)
    {
        submittedAt = new long[capacity];
        submitMs = new double[capacity];
        assignMs = new double[capacity];
        startMs = new double[capacity];
        completeMs = new double[capacity];
        handoffMs = new double[capacity];
        Array.Fill(handoffMs, double.NaN);
        submitAnsweredAt = new long[capacity];
        handoffFreedAt = new long[capacity];
        completed = new TaskCompletionSource?[capacity];
    }

    /// <summary>Runs completed so far.</summary>
    public int CompletedCount => Volatile.Read(ref completedCount);

    /// <summary>The flow id that carries a ticket.</summary>
    public static string FlowId(int ticket) => Prefix + ticket.ToString(CultureInfo.InvariantCulture);

    /// <summary>Marks the ticket as being submitted now; the task completes when its run completed.</summary>
    public Task Begin(int ticket)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        completed[ticket] = done;
        Volatile.Write(ref submittedAt[ticket], Stopwatch.GetTimestamp());
        return done.Task;
    }

    /// <summary>The submit call of the ticket returned.</summary>
    public void Submitted(int ticket)
    {
        submitAnsweredAt[ticket] = Stopwatch.GetTimestamp();
        submitMs[ticket] = Since(submittedAt[ticket]);
    }

    /// <summary>
    /// The agent received the run carrying <paramref name="flowId"/>; returns its ticket. <paramref name="freedAt"/> is
    /// when the same session last reported a completion (0 if never): when the run was already waiting then, the time
    /// since is its handoff, how long a machine that came free stayed idle while a run waited for it.
    /// </summary>
    public int Assigned(string flowId, long freedAt = 0)
    {
        var ticket = TicketOf(flowId);
        var submitted = Volatile.Read(ref submittedAt[ticket]);
        assignMs[ticket] = Since(submitted);
        if (freedAt != 0 && submitted <= freedAt)
        {
            handoffMs[ticket] = Since(freedAt);
            handoffFreedAt[ticket] = freedAt;
        }
        return ticket;
    }

    /// <summary>The agent's start acknowledgement returned after <paramref name="startMilliseconds"/>.</summary>
    public void Started(int ticket, double startMilliseconds) => startMs[ticket] = startMilliseconds;

    /// <summary>
    /// The agent's completion report returned after <paramref name="completeMilliseconds"/>. The ticket's completion
    /// source is let go, so the harness does not keep one per run alive for the garbage collector to promote.
    /// </summary>
    public void Completed(int ticket, double completeMilliseconds)
    {
        completeMs[ticket] = completeMilliseconds;
        Interlocked.Increment(ref completedCount);
        Interlocked.Exchange(ref completed[ticket], null)?.TrySetResult();
    }

    /// <summary>Submit → agent received, in ms, for tickets [from, from + count).</summary>
    public double[] AssignLatencies(int from, int count) => assignMs[from..(from + count)];

    /// <summary>Completion report → next waiting run in the agent's hands, in ms, for the tickets of [from, from + count) that waited for a machine.</summary>
    public double[] HandoffLatencies(int from, int count) => [.. handoffMs[from..(from + count)].Where(ms => !double.IsNaN(ms))];

    /// <summary>
    /// The handoffs of the tickets split by whether their machine came free before the last of those tickets' submit
    /// calls was answered (so while the silo was still taking submissions) or after.
    /// </summary>
    public (double[] During, double[] After) HandoffsBySubmissions(int from, int count)
    {
        var lastAnswer = submitAnsweredAt[from..(from + count)].Max();
        var handoffs = Enumerable.Range(from, count).Where(t => !double.IsNaN(handoffMs[t])).ToList();
        return ([.. handoffs.Where(t => handoffFreedAt[t] < lastAnswer).Select(t => handoffMs[t])],
            [.. handoffs.Where(t => handoffFreedAt[t] >= lastAnswer).Select(t => handoffMs[t])]);
    }

    /// <summary>Submit → agent received, in ms, for the tickets of [from, from + count) that found a free machine.</summary>
    public double[] FirstWaveLatencies(int from, int count) => [.. Enumerable.Range(from, count).Where(t => double.IsNaN(handoffMs[t])).Select(t => assignMs[t])];

    /// <summary>Duration of the submit calls.</summary>
    public double[] SubmitLatencies(int from, int count) => submitMs[from..(from + count)];

    /// <summary>Duration of the start calls.</summary>
    public double[] StartLatencies(int from, int count) => startMs[from..(from + count)];

    /// <summary>Duration of the complete calls.</summary>
    public double[] CompleteLatencies(int from, int count) => completeMs[from..(from + count)];

    /// <summary>Milliseconds since a <see cref="Stopwatch"/> timestamp.</summary>
    public static double Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalMilliseconds;

    private static int TicketOf(string flowId) =>
        flowId.StartsWith(Prefix, StringComparison.Ordinal)
            ? int.Parse(flowId.AsSpan(Prefix.Length), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Flow id '{flowId}' was not submitted by the benchmark.");
}
