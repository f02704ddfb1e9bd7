namespace MachineGrid.Grains;

/// <summary>Tells the connections that keep grants read from a group that its access changed.</summary>
internal static class GroupAccessWatchers
{
    /// <summary>
    /// Awaited by the change, after it is written and before it is acknowledged, so no grant it revoked is used once its
    /// caller hears it is done. A connection that no longer exists ignores the news.
    /// </summary>
    public static Task TellAsync(IGrainFactory grains, IEnumerable<string> connectionIds) =>
        Task.WhenAll(connectionIds.ToList().Select(id => grains.GetGrain<IConnectionGrain>(id).GroupAccessChanged()));
}
