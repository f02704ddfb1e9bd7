namespace MachineGrid.Grains;

/// <summary>
/// Gathers the dashboard's change marks and run counters from every silo and serves them to every gateway
/// (key: "environment"). Silos publish four times a second; gateways with open event streams read what is new.
/// </summary>
[Alias("mg.IGridEventsHubGrain")]
public interface IGridEventsHubGrain : IGrainWithStringKey
{
    /// <summary>A silo's changes since its last publish and its run counters.</summary>
    Task Publish(string siloId, GridChanges changes, RunActivity activity);

    /// <summary>
    /// The changes published after <paramref name="cursor"/> (null: none, only the current cursor). A gateway that reads
    /// with <paramref name="listening"/> counts as listening for the next 10 s; changes are kept only while one listens.
    /// </summary>
    Task<GridFeed> Read(string gatewayId, long? cursor, bool listening);

    /// <summary>The cluster's run counters: every silo's totals added up.</summary>
    Task<RunActivity> Activity();
}

/// <summary>What a gateway reads: the changes and where to read from next.</summary>
[GenerateSerializer, Immutable, Alias("mg.GridFeed")]
public sealed record GridFeed(long Cursor, GridChanges Changes);
