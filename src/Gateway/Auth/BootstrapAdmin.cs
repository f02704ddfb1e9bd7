using MachineGrid.Grains;
using MachineGrid.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Gateway;

/// <summary>
/// On a store with no principals, creates the first Environment Admin with the key from configuration
/// (<c>MachineGrid:BootstrapAdminKey</c>), or with a generated key printed once to the console.
/// </summary>
public sealed partial class BootstrapAdmin(ApiKeys keys, IGrainFactory grains, IConfiguration configuration, ILogger<BootstrapAdmin> logger) : IHostedService
{
    /// <summary>Id of the bootstrap principal.</summary>
    public const string PrincipalId = "p-admin";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await keys.AnyAsync())
        {
            return;
        }
        var configured = configuration["MachineGrid:BootstrapAdminKey"];
        var key = string.IsNullOrWhiteSpace(configured) ? ApiKeys.NewKey() : configured.Trim();
        await grains.GetGrain<IPrincipalGrain>(PrincipalId).Bootstrap("admin", key);
        if (string.IsNullOrWhiteSpace(configured))
        {
            // Printed to the console only, never logged: logs may be shipped elsewhere.
            Console.WriteLine($"Bootstrap admin API key (shown once): {key}");
        }
        LogBootstrapped(logger, PrincipalId);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Created the bootstrap Environment Admin {PrincipalId}")]
    private static partial void LogBootstrapped(ILogger logger, string principalId);
}
