namespace MachineGrid.Grains;

/// <summary>News for a run or a machine that the group sends, one-way, once the change behind it is written.</summary>
internal abstract record GroupAnnouncement
{
    internal sealed record RunAssigned(string RunId, string MachineId, CredentialOption Credential, DateTimeOffset At) : GroupAnnouncement;

    internal sealed record RunRequeued(string RunId, string Reason) : GroupAnnouncement;

    internal sealed record RunEnded(string RunId, RunStatus Status, string Reason, string? Error = null) : GroupAnnouncement;

    internal sealed record MachineOffered(string MachineId, Assignment Assignment) : GroupAnnouncement;

    internal sealed record MachineWithdrawn(string MachineId, string RunId, DateTimeOffset AcknowledgeBy) : GroupAnnouncement;
}

internal static class GroupAnnouncementSender
{
    /// <summary>Sends the announcement to its run or machine (one-way calls).</summary>
    public static Task SendAsync(this GroupAnnouncement announcement, IGrainFactory grains) => announcement switch
    {
        GroupAnnouncement.RunAssigned a => grains.GetGrain<IRunGrain>(a.RunId).Assigned(a.MachineId, a.Credential, a.At),
        GroupAnnouncement.RunRequeued r => grains.GetGrain<IRunGrain>(r.RunId).Requeued(r.Reason),
        GroupAnnouncement.RunEnded e => grains.GetGrain<IRunGrain>(e.RunId).Ended(e.Status, e.Reason, e.Error),
        GroupAnnouncement.MachineOffered o => grains.GetGrain<IMachineGrain>(o.MachineId).Offer(o.Assignment),
        GroupAnnouncement.MachineWithdrawn w => grains.GetGrain<IMachineGrain>(w.MachineId).Withdraw(w.RunId, w.AcknowledgeBy),
        _ => throw new ArgumentOutOfRangeException(nameof(announcement)),
    };
}
