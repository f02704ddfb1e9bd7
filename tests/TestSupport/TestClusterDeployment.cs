using Orleans.TestingHost;

namespace MachineGrid.TestSupport;

/// <summary>Starting an in-process Orleans test cluster without leaving silos behind when it fails to start.</summary>
public static class TestClusterDeployment
{
    /// <summary>Builds and deploys the cluster; one that fails to deploy is disposed before the failure is rethrown.</summary>
    public static async Task<InProcessTestCluster> BuildAndDeployAsync(this InProcessTestClusterBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync().ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return cluster;
    }
}
