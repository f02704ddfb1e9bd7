using System.Net;
using MachineGrid.Grains;
using MachineGrid.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class BootstrapAdminTests
{
    private const string Announcement = "Bootstrap admin API key (shown once): ";

    [Fact]
    public async Task After_a_crash_between_storing_the_admin_and_its_key_the_next_start_prints_a_key_that_signs_in()
    {
        await using var host = await GatewayHost.StartAsync();
        await LoseTheAdminsKeyAsync(host);

        var printed = await BootstrapAsync(host);

        var key = Assert.Single(printed);
        Assert.Equal(BootstrapAdmin.PrincipalId, (await new Grid(host).As(key).GetAsync("api/v1/me")).Is(HttpStatusCode.OK).Id);
    }

    [Fact]
    public async Task Of_two_silos_bootstrapping_at_once_only_the_one_whose_key_was_stored_prints_it()
    {
        await using var host = await GatewayHost.StartAsync();
        await LoseTheAdminsKeyAsync(host);

        var printed = await Task.WhenAll(BootstrapAsync(host), BootstrapAsync(host));

        var key = Assert.Single(printed.SelectMany(keys => keys));
        Assert.Equal(BootstrapAdmin.PrincipalId, (await new Grid(host).As(key).GetAsync("api/v1/me")).Is(HttpStatusCode.OK).Id);
    }

    [Fact]
    public async Task A_store_that_already_has_keys_prints_nothing()
    {
        await using var host = await GatewayHost.StartAsync();

        var printed = await BootstrapAsync(host);

        Assert.Empty(printed);
        (await new Grid(host).Admin.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);
    }

    /// <summary>Leaves the store as a crash right after the admin's state was written would: the admin exists, its key does not.</summary>
    private static Task LoseTheAdminsKeyAsync(GatewayHost host) =>
        host.Services.GetRequiredService<IReadModel>().WriteAsync([RowChange.Delete("apikeys", ApiKeyFormat.HashOf(host.AdminKey))]);

    /// <summary>Runs a bootstrap with no key configured, as a silo starting on this store would; returns the keys it printed.</summary>
    private static async Task<IReadOnlyList<string>> BootstrapAsync(GatewayHost host)
    {
        var console = new StringWriter();
        var bootstrap = new BootstrapAdmin(
            host.Services.GetRequiredService<IGrainFactory>(),
            new ConfigurationBuilder().Build(),
            NullLogger<BootstrapAdmin>.Instance,
            console);
        await bootstrap.StartAsync(CancellationToken.None);
        return [.. console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith(Announcement, StringComparison.Ordinal))
            .Select(line => line[Announcement.Length..])];
    }
}
