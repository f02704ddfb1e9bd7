using MachineGrid.Persistence.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MachineGrid.Persistence.Tests.Reminders;

/// <summary>Orleans' own reminder service on the table: a silo fires a reminder, and a new cluster on the same database fires it again.</summary>
[Collection(RemindersPostgresCollection.Name)]
public sealed class ReminderSiloTests(PostgresServer postgres)
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_reminder_fires_and_fires_again_in_a_new_cluster_on_the_same_database(Database database)
    {
        var location = await StorageClusters.NewLocationAsync(database, postgres);
        var key = $"grain-{Guid.NewGuid():N}";
        string? etag;

        var firstTicks = new ReminderTicks();
        await using (var cluster = await StartClusterAsync(database, location, firstTicks))
        {
            var grain = cluster.Grains().GetGrain<IReminderTestGrain>(key);
            await grain.Register(TimeSpan.FromMilliseconds(100), Period);
            await Eventually.True(() => firstTicks.Count(key, ReminderTestGrain.ReminderName) >= 2, "the reminder fired twice");

            var row = await Table(cluster).ReadRow(grain.GetGrainId(), ReminderTestGrain.ReminderName);
            Assert.NotNull(row);
            Assert.Equal(Period, row.Period);
            etag = row.ETag;
            await cluster.StopAllSilosAsync();
        }

        var secondTicks = new ReminderTicks();
        await using (var cluster = await StartClusterAsync(database, location, secondTicks))
        {
            await Eventually.True(() => secondTicks.Count(key, ReminderTestGrain.ReminderName) >= 1, "the stored reminder fired in the new cluster");

            var grain = cluster.Grains().GetGrain<IReminderTestGrain>(key);
            var table = Table(cluster);
            var rows = (await table.ReadRows(grain.GetGrainId())).Reminders;
            Assert.Equal(etag, Assert.Single(rows).ETag);

            await grain.Unregister();
            Assert.Empty((await table.ReadRows(grain.GetGrainId())).Reminders);
            await cluster.StopAllSilosAsync();
        }
    }

    private static IReminderTable Table(InProcessTestCluster cluster) =>
        Assert.IsType<SqlReminderTable>(cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>());

    private static Task<InProcessTestCluster> StartClusterAsync(Database database, string location, ReminderTicks ticks) =>
        StorageClusters.StartAsync(database, location, silo =>
        {
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromMilliseconds(500));
            silo.Services.AddSingleton(ticks);
        });
}
