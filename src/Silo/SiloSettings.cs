namespace MachineGrid.Silo;

/// <summary>The silo's configuration, from appsettings.json, MACHINEGRID__* environment variables and the command line.</summary>
public sealed class SiloSettings
{
    /// <summary>Command-line switches and the configuration keys they set.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--data"] = "MachineGrid:Data",
        ["--postgres"] = "MachineGrid:Postgres",
        ["--silo-port"] = "MachineGrid:SiloPort",
        ["--gateway-port"] = "MachineGrid:GatewayPort",
        ["--cluster-id"] = "MachineGrid:ClusterId",
        ["--advertised-address"] = "MachineGrid:AdvertisedAddress",
    };

    /// <summary>Folder of the embedded SQLite database. Default <c>./data</c>.</summary>
    public string Data { get; set; } = "data";

    /// <summary>A PostgreSQL connection string; when set, it is used instead of SQLite.</summary>
    public string? Postgres { get; set; }

    /// <summary>Port silos talk to each other on; 0 picks a free one.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port grain clients connect to; 0 picks a free one.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans' cluster id: silos and clients with the same id and database form one cluster.</summary>
    public string ClusterId { get; set; } = "machinegrid";

    /// <summary>
    /// The address other silos and grain clients reach this silo at: an IP address, or a host name resolved once at
    /// start (a container's service name). When set, the silo and gateway ports listen on every address; when not,
    /// the silo advertises and listens on 127.0.0.1 only, so every silo of the cluster must run on this computer.
    /// </summary>
    public string? AdvertisedAddress { get; set; }
}
