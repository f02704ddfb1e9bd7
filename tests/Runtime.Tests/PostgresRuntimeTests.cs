using MachineGrid.Runtime.Tests.Grains;
using MachineGrid.Runtime.Tests.Storage;
using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Runtime.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresRuntimeTests(PostgresServer server)
{
    [Fact]
    public async Task A_reminder_due_while_the_silo_was_down_fires_after_restart_on_postgres()
    {
        var database = await server.CreateDatabaseAsync();

        await ReminderTests.AssertSurvivesRestart(clock => Silos.Postgres(database, clock: clock));
    }

    [Fact]
    public async Task Graceful_shutdown_writes_changed_state_to_postgres()
    {
        var database = await server.CreateDatabaseAsync();
        var key = Probe.NewKey("pg-dirty");
        await using (var silo = await Silos.Postgres(database))
        {
            await silo.GrainFactory.GetGrain<ICounterGrain>(key).Add(1);
            await silo.GrainFactory.GetGrain<ICounterGrain>(key).SetWithoutWriting(5);
        }

        await using var restarted = await Silos.Postgres(database);

        Assert.Equal(5, await restarted.GrainFactory.GetGrain<ICounterGrain>(key).Get());
    }
}
