using System.Globalization;

namespace MachineGrid.Grains;

/// <summary>
/// The last runs a group stopped holding (ended, cancelled, timed out), with where each had been placed. A run that is
/// not active when its end is announced is activated by that news, and on activation asks its group where it is placed
/// (or enqueues itself again when its group does not hold it); meanwhile the group has already let it go. This tells
/// such a run where it was and keeps it from being queued a second time. The window to cover is from the group letting
/// the run go to the run, once activated, asking: one state read. 4,096 runs cover that window at several thousand ends
/// a second in one group, such as after a restart of a busy fleet.
/// </summary>
/// <remarks>
/// Each run stays here for thousands of ends, long enough for the garbage collector to promote whatever it holds. So a
/// server-chosen run id is kept as the 128-bit number it spells and a placement as a struct, in arrays: a run let go
/// leaves no object of its own behind.
/// </remarks>
public sealed class RecentlyEnded
{
    private readonly Dictionary<EndedRunKey, EndedPlacement> placements = [];
    private readonly int capacity;
    private EndedRunKey[] order = [];
    private int count;
    private int oldest;

    /// <summary>Remembers the last <paramref name="capacity"/> runs let go.</summary>
    public RecentlyEnded(int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
    }

    /// <summary>Records that the group let <paramref name="runId"/> go, placed as given (null when it was only queued).</summary>
    public void Add(string runId, RunPlacement? placement)
    {
        var key = EndedRunKey.Of(runId);
        var added = !placements.ContainsKey(key);
        placements[key] = EndedPlacement.Of(placement);
        if (!added)
        {
            return;
        }
        if (count < capacity)
        {
            // Grown as runs end, so the many groups that end few runs (a solo machine's) stay small.
            if (count == order.Length)
            {
                Array.Resize(ref order, Math.Min(capacity, Math.Max(16, 2 * order.Length)));
            }
            order[count++] = key;
            return;
        }
        placements.Remove(order[oldest]);
        order[oldest] = key;
        oldest = (oldest + 1) % capacity;
    }

    /// <summary>Whether the group let the run go lately.</summary>
    public bool Contains(string runId) => placements.ContainsKey(EndedRunKey.Of(runId));

    /// <summary>Where the run was placed when the group let it go; null when it was not placed or not let go lately.</summary>
    public RunPlacement? PlacementOf(string runId) =>
        placements.TryGetValue(EndedRunKey.Of(runId), out var placement) ? placement.ToPlacement() : null;

    /// <summary>A run id: a server-chosen one (<c>r-</c> and 32 lowercase hex digits) as its number, any other as its text.</summary>
    private readonly record struct EndedRunKey(UInt128 Number, string? Text)
    {
        private const string Prefix = "r-";

        public static EndedRunKey Of(string runId) =>
            runId.Length == Prefix.Length + 32
            && runId.StartsWith(Prefix, StringComparison.Ordinal)
            && !runId.AsSpan(Prefix.Length).ContainsAnyExcept("0123456789abcdef")
            && UInt128.TryParse(runId.AsSpan(Prefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var number)
                ? new EndedRunKey(number, null)
                : new EndedRunKey(0, runId);
    }

    /// <summary>A <see cref="RunPlacement"/> held by value; no machine id means the run was not placed.</summary>
    private readonly record struct EndedPlacement(string? MachineId, CredentialOption? Credential, DateTimeOffset AssignedAt, DateTimeOffset? StartedAt, int Attempts)
    {
        public static EndedPlacement Of(RunPlacement? placement) =>
            placement is null ? default : new(placement.MachineId, placement.Credential, placement.AssignedAt, placement.StartedAt, placement.Attempts);

        public RunPlacement? ToPlacement() =>
            MachineId is null || Credential is null ? null : new RunPlacement(MachineId, Credential, AssignedAt, StartedAt, Attempts);
    }
}
