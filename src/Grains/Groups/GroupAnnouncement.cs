namespace MachineGrid.Grains;

/// <summary>News for a run or a machine that the group sends, one-way, once the change behind it is written.</summary>
internal abstract record GroupAnnouncement
{
    internal sealed record RunAssigned(string RunId, string MachineId, CredentialOption Credential, DateTimeOffset At) : GroupAnnouncement;

    internal sealed record RunRequeued(string RunId, string Reason) : GroupAnnouncement;

    internal sealed record RunEnded(string RunId, RunStatus Status, string Reason, string? Error = null) : GroupAnnouncement;

    internal sealed record MachineOffered(string MachineId, Assignment Assignment) : GroupAnnouncement;

    internal sealed record MachineWithdrawn(string MachineId, string RunId) : GroupAnnouncement;
}
