using System.Text;
using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task A_stale_writer_gets_InconsistentStateException_storage_is_unchanged_and_the_activation_is_recycled()
    {
        await using var silo = await Silos.Sqlite(Silos.TempDatabase());
        var key = Probe.NewKey("etag");
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.Add(1);
        var first = await grain.ActivationId();
        var storage = silo.Services.GetRequiredService<IGrainStorage>();
        var id = grain.GetGrainId();
        var newer = await storage.WriteAsync(id, "counter", Encoding.UTF8.GetBytes("""{"value":100}"""), "1");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Add(1));

        var stored = await storage.ReadAsync(id, "counter");
        Assert.Equal(newer, stored!.ETag);
        Assert.Equal("""{"value":100}""", Encoding.UTF8.GetString(stored.Data!));
        await Eventually.True(async () => await grain.ActivationId() != first, "the stale activation was dropped");
        Assert.Equal(100, await grain.Get());
        Assert.Equal(101, await grain.Add(1));
    }

    [Fact]
    public async Task State_that_fails_to_deserialize_gives_an_error_naming_the_grain_and_nothing_is_written()
    {
        await using var silo = await Silos.Sqlite(Silos.TempDatabase());
        var key = Probe.NewKey("garbage");
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        var storage = silo.Services.GetRequiredService<IGrainStorage>();
        var etag = await storage.WriteAsync(grain.GetGrainId(), "counter", Encoding.UTF8.GetBytes("not json {"), null);

        var error = await Assert.ThrowsAsync<StateDeserializationException>(() => grain.Add(1));

        Assert.Contains($"counter/{key}", error.Message);
        Assert.Contains("'counter'", error.Message);
        var stored = await storage.ReadAsync(grain.GetGrainId(), "counter");
        Assert.Equal(etag, stored!.ETag);
        Assert.Equal("not json {", Encoding.UTF8.GetString(stored.Data!));
    }

    [Fact]
    public async Task Clearing_state_resets_it_and_changes_the_etag()
    {
        await using var silo = await Silos.Sqlite(Silos.TempDatabase());
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(Probe.NewKey("clear"));
        await grain.Add(5);
        var before = await grain.Etag();

        await grain.Clear();

        Assert.Equal(0, await grain.Get());
        Assert.NotEqual(before, await grain.Etag());
        Assert.Equal(3, await grain.Add(3));
    }

    [Fact]
    public async Task Graceful_shutdown_writes_the_state_of_every_changed_activation()
    {
        var path = Silos.TempDatabase();
        var keys = Enumerable.Range(0, 20).Select(i => Probe.NewKey($"dirty{i}")).ToArray();
        await using (var silo = await Silos.Sqlite(path))
        {
            for (var i = 0; i < keys.Length; i++)
            {
                await silo.GrainFactory.GetGrain<ICounterGrain>(keys[i]).SetWithoutWriting(i + 1);
            }
        }

        await using var restarted = await Silos.Sqlite(path);
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(i + 1, await restarted.GrainFactory.GetGrain<ICounterGrain>(keys[i]).Get());
            Assert.Contains("deactivate:ShuttingDown", Probe.Of(keys[i]));
        }
    }

    [Fact]
    public async Task A_state_declared_without_write_on_deactivation_keeps_only_what_its_grain_wrote()
    {
        var path = Silos.TempDatabase();
        var key = Probe.NewKey("explicit");
        await using (var silo = await Silos.Sqlite(path))
        {
            var grain = silo.GrainFactory.GetGrain<IExplicitCounterGrain>(key);
            Assert.Equal(2, await grain.Add(2));
            await grain.SetWithoutWriting(7);
            Assert.Equal(7, await grain.Get());
        }

        await using var restarted = await Silos.Sqlite(path);
        Assert.Contains("deactivate:ShuttingDown", Probe.Of(key));
        Assert.Equal(2, await restarted.GrainFactory.GetGrain<IExplicitCounterGrain>(key).Get());
    }

    [Fact]
    public async Task Idle_collection_writes_changed_state()
    {
        var path = Silos.TempDatabase();
        await using var silo = await Silos.Sqlite(path, o => o.CollectionAge = TimeSpan.FromMinutes(5));
        var key = Probe.NewKey("idle-write");
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.SetWithoutWriting(9);

        for (var minute = 0; minute < 7; minute++)
        {
            silo.ManualClock.Advance(TimeSpan.FromMinutes(1));
        }
        await Eventually.True(() => Probe.Count(key, "deactivate:IdleCollection") == 1, "the counter was collected");

        Assert.Equal(9, await grain.ValueSeenOnActivate());
    }
}
