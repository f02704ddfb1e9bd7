using MachineGrid.Runtime.Testing;
using MachineGrid.Runtime.Tests.Grains;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task A_failed_activation_is_logged_with_the_grain_type_and_key_as_fields()
    {
        var logs = new ListLoggerProvider();
        await using var silo = await TestSilo.StartAsync(o => o.AddGrainAssembly(typeof(CounterGrain).Assembly), logs: logs);
        var key = Probe.NewKey("logged");

        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.GrainFactory.GetGrain<IFlakyActivationGrain>(key).Attempt());

        var entry = Assert.Single(logs.Entries, e => e.Message.Contains(key));
        Assert.Equal("flakyactivation", entry.Fields["GrainType"]);
        Assert.Equal(key, entry.Fields["GrainKey"]);
        Assert.IsType<InvalidOperationException>(entry.Error);
    }
}
