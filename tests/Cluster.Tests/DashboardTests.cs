using System.Diagnostics;
using System.Text.Json;
using MachineGrid.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MachineGrid.Cluster.Tests;

/// <summary>The dashboard's event stream on silo A shows a change made through silo B to a group that lives on B.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class DashboardTests(SharedCluster shared, ITestOutputHelper output)
{
    [Fact]
    public async Task A_stream_on_silo_A_shows_a_group_change_made_through_silo_B()
    {
        var cluster = shared.Cluster;
        var (a, b) = (cluster.Silos[0], cluster.Silos[1]);
        var fleet = new Fleet(cluster, Actors.Owner());
        var groupId = await fleet.CreateGroupOnAsync(b);
        Assert.Equal(b.Address, cluster.WhereIs(b.Grains.GetGrain<IMachineGroupGrain>(groupId)));
        var stream = new EventStream(fleet.Owner, a.Services.GetRequiredService<IGrainFactory>(), a.Services.GetRequiredService<EventBroadcaster>(),
            a.Services.GetRequiredService<StatsSampler>(), new JsonSerializerOptions(JsonSerializerDefaults.Web), TimeProvider.System);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var events = stream.ReadAllAsync(limit.Token).GetAsyncEnumerator(limit.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("ready", events.Current.EventType);

        var description = $"changed through {b.Name}";
        await b.Grains.GetGrain<IMachineGroupGrain>(groupId).Update(fleet.Owner, new UpdateGroup(null, description, null));
        var changed = Stopwatch.StartNew();
        GroupView? shown = null;
        while (shown is null && await events.MoveNextAsync())
        {
            if (events.Current.EventType == "changes")
            {
                var change = JsonSerializer.Deserialize<ChangesEvent>(events.Current.Data, new JsonSerializerOptions(JsonSerializerDefaults.Web));
                shown = change?.Groups.FirstOrDefault(g => g.Id == groupId && g.Description == description);
            }
        }
        var delay = changed.Elapsed;

        Assert.NotNull(shown);
        output.WriteLine($"The change made through {b.Name} reached the stream on {a.Name} after {delay.TotalMilliseconds:F0} ms.");
    }
}
