namespace MachineGrid.Cluster.Tests;

/// <summary>An agent long-polling through silo A is woken by a group that lives on silo B.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class AgentLongPollTests(SharedCluster shared)
{
    [Fact]
    public async Task A_poll_waiting_on_silo_A_is_woken_when_the_group_on_silo_B_assigns_a_run()
    {
        var cluster = shared.Cluster;
        var (a, b) = (cluster.Silos[0], cluster.Silos[1]);
        var fleet = new Fleet(cluster, Actors.Owner());
        var groupId = await fleet.CreateGroupOnAsync(b);
        var machineId = await fleet.AddMachineOnAsync(a, groupId);
        var credentialId = await fleet.CreateCredentialOnAsync(b, "alice", "s3cret");
        var connectionId = await fleet.ConnectAsync(b, groupId, credentialId);
        var group = b.Grains.GetGrain<IMachineGroupGrain>(groupId);
        var machineThroughA = a.Grains.GetGrain<IMachineGrain>(machineId);
        Assert.Equal(b.Address, cluster.WhereIs(group));
        Assert.Equal(a.Address, cluster.WhereIs(machineThroughA));

        var waiting = machineThroughA.WaitForAssignments(1, TimeSpan.FromSeconds(5));
        // A later call from the same sender is answered after the waiting call has reached its wait.
        await machineThroughA.RunsIn(null);
        Assert.False(waiting.IsCompleted, "the poll waits, as no run is queued yet");
        var runId = await fleet.SubmitAsync(b, connectionId);

        var assignment = Assert.Single(await waiting);
        Assert.Equal(runId, assignment.RunId);
        Assert.Equal(credentialId, assignment.CredentialId);
        Assert.Equal(b.Address, cluster.WhereIs(group));
        Assert.Equal(a.Address, cluster.WhereIs(machineThroughA));
    }
}
