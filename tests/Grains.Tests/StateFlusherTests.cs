using Xunit;

namespace MachineGrid.Grains.Tests;

public sealed class StateFlusherTests
{
    [Fact]
    public async Task Callers_during_a_write_share_the_next_one_and_it_is_busy_until_both_are_done()
    {
        var gates = new Queue<TaskCompletionSource>([new(), new()]);
        var writes = 0;
        var flusher = new StateFlusher(() =>
        {
            writes++;
            return gates.Peek().Task;
        });
        Assert.False(flusher.IsBusy);

        var first = flusher.FlushAsync();
        var second = flusher.FlushAsync();
        var third = flusher.FlushAsync();
        Assert.True(flusher.IsBusy);
        Assert.Equal(1, writes);

        gates.Dequeue().SetResult();
        await first;
        Assert.False(second.IsCompleted);
        Assert.True(flusher.IsBusy);
        Assert.Equal(2, writes);

        gates.Dequeue().SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, writes);
        Assert.False(flusher.IsBusy);
    }
}
