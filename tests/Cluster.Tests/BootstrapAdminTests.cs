using System.Text.Json;
using System.Text.RegularExpressions;
using MachineGrid.Gateway;
using MachineGrid.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Cluster.Tests;

/// <summary>Three silos started together on an empty database make one bootstrap admin with one key, shown once.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed partial class BootstrapAdminTests(SharedCluster shared)
{
    [Fact]
    public async Task Silos_started_together_store_and_show_exactly_one_admin_key_that_signs_in_on_every_silo()
    {
        var cluster = shared.Cluster;

        var shown = cluster.BootstrapConsoles.Values.SelectMany(text => ShownKey().Matches(text)).Select(m => m.Groups["key"].Value).ToList();
        var key = Assert.Single(shown);
        Assert.Equal(3, cluster.BootstrapConsoles.Count);
        var rows = await cluster.Silos[0].Services.GetRequiredService<IReadModel>().ScanAsync("apikeys", "", null, 10_000);
        var adminKeys = rows.Where(row => JsonSerializer.Deserialize<PrincipalView>(row.Value)?.Id == BootstrapAdmin.PrincipalId).ToList();
        Assert.Equal(ApiKeyFormat.HashOf(key), Assert.Single(adminKeys).Key);
        foreach (var silo in cluster.Silos)
        {
            var caller = await silo.Keys.AuthenticateAsync($"Bearer {key}");
            Assert.Equal(BootstrapAdmin.PrincipalId, caller?.FindFirst(GridClaims.PrincipalId)?.Value);
        }
    }

    [GeneratedRegex(@"Bootstrap admin API key \(shown once\): (?<key>\S+)")]
    private static partial Regex ShownKey();
}
