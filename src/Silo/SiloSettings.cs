namespace MachineGrid.Silo;

/// <summary>The silo's configuration, from appsettings.json, MACHINEGRID__* environment variables and the command line.</summary>
public sealed class SiloSettings
{
    /// <summary>Command-line switches and the configuration keys they set.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--data"] = "MachineGrid:Data",
        ["--postgres"] = "MachineGrid:Postgres",
    };

    /// <summary>Folder of the embedded SQLite database. Default <c>./data</c>.</summary>
    public string Data { get; set; } = "data";

    /// <summary>A PostgreSQL connection string; when set, it is used instead of SQLite.</summary>
    public string? Postgres { get; set; }
}
