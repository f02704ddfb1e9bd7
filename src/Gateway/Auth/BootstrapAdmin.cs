using MachineGrid.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Gateway;

/// <summary>
/// On a store with no API keys, creates the first Environment Admin (or gives one whose key was never stored a key) with
/// the key from configuration (<c>MachineGrid:BootstrapAdminKey</c>), or with a generated key that is printed once to the
/// console, and only when this start stored it: a silo that lost the race to another prints nothing.
/// </summary>
/// <param name="grains">The grains.</param>
/// <param name="configuration">Where a configured key is read from.</param>
/// <param name="logger">Where the bootstrap is logged (never the key).</param>
/// <param name="console">Where a generated key is shown; the process's console when null.</param>
public sealed partial class BootstrapAdmin(IGrainFactory grains, IConfiguration configuration, ILogger<BootstrapAdmin> logger, TextWriter? console = null) : IHostedService
{
    /// <summary>Id of the bootstrap principal.</summary>
    public const string PrincipalId = "p-admin";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<IKeyDirectoryGrain>("environment").Any())
        {
            return;
        }
        var configured = configuration["MachineGrid:BootstrapAdminKey"];
        var key = string.IsNullOrWhiteSpace(configured) ? ApiKeyFormat.NewKey() : configured.Trim();
        if (!await grains.GetGrain<IPrincipalGrain>(PrincipalId).Bootstrap("admin", key))
        {
            LogAlreadyBootstrapped(logger, PrincipalId);
            return;
        }
        if (string.IsNullOrWhiteSpace(configured))
        {
            // Printed to the console only, never logged: logs may be shipped elsewhere.
            (console ?? Console.Out).WriteLine($"Bootstrap admin API key (shown once): {key}");
        }
        LogBootstrapped(logger, PrincipalId);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Created the bootstrap Environment Admin {PrincipalId}")]
    private static partial void LogBootstrapped(ILogger logger, string principalId);

    [LoggerMessage(LogLevel.Information, "The bootstrap Environment Admin {PrincipalId} already has a key, stored meanwhile by another start; this start stored none and shows none")]
    private static partial void LogAlreadyBootstrapped(ILogger logger, string principalId);
}
