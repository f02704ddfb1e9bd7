using MachineGrid.Grains;
using MachineGrid.Runtime.Hosting;

namespace MachineGrid.Silo;

/// <summary>Wires the silo into a host.</summary>
public static class SiloHostExtensions
{
    /// <summary>
    /// Adds the grain runtime on the configured storage: PostgreSQL when a connection string is given, else SQLite under
    /// the data folder. Call it before the host starts: it also sets how the process completes socket operations
    /// (<see cref="InlineSocketCompletions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMachineGridSilo(this IHostApplicationBuilder builder)
    {
        InlineSocketCompletions.EnableUnlessSet();
        var settings = builder.Configuration.GetSection("MachineGrid").Get<SiloSettings>() ?? new SiloSettings();
        var data = Path.GetFullPath(settings.Data);
        builder.Services.AddMachineGridRuntime(options =>
        {
            if (!string.IsNullOrWhiteSpace(settings.Postgres))
            {
                options.UsePostgres(settings.Postgres);
            }
            else
            {
                options.UseSqlite(Path.Combine(data, "machinegrid.db"));
            }
            builder.Services.AddMachineGridGrains(options, Path.Combine(data, "keys"), limits => builder.Configuration.GetSection("MachineGrid:Limits").Bind(limits));
        });
        return builder;
    }
}
