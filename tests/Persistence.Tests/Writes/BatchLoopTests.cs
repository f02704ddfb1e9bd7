using MachineGrid.Persistence.Writes;

namespace MachineGrid.Persistence.Tests.Writes;

public sealed class BatchLoopTests
{
    [Fact]
    public async Task Items_added_from_many_threads_are_each_handled_once_in_the_order_each_thread_added_them()
    {
        const int Threads = 8;
        const int PerThread = 20_000;
        var handled = new List<(int Thread, int Seq)>();
        var largest = 0;
        var loop = new BatchLoop<(int Thread, int Seq)>(async batch =>
        {
            largest = Math.Max(largest, batch.Count);
            handled.AddRange(batch);
            await Task.Yield();
        }, maxCount: 64);

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                Assert.True(loop.TryAdd((t, i)));
            }
        })));
        await loop.DisposeAsync();

        Assert.Equal(Threads * PerThread, handled.Count);
        Assert.InRange(largest, 1, 64);
        foreach (var thread in handled.GroupBy(h => h.Thread))
        {
            Assert.Equal(Enumerable.Range(0, PerThread), thread.Select(h => h.Seq));
        }
    }

    [Fact]
    public async Task A_batch_stops_at_the_item_that_passes_the_size_and_the_rest_follow_in_the_next()
    {
        var release = new TaskCompletionSource();
        var batches = new List<int[]>();
        var loop = new BatchLoop<int>(async batch =>
        {
            batches.Add([.. batch]);
            await release.Task;
        }, maxCount: 100, maxSize: 10, sizeOf: item => item);

        // The first item is taken alone while the loop is idle; the rest gather behind its batch.
        Assert.True(loop.TryAdd(1));
        await Eventually.True(() => batches.Count == 1, "the first batch is taken");
        foreach (var item in new[] { 4, 4, 4, 4, 1 })
        {
            Assert.True(loop.TryAdd(item));
        }
        release.SetResult();
        await loop.DisposeAsync();

        Assert.Equal([[1], [4, 4, 4], [4, 1]], batches);
    }

    [Fact]
    public async Task Dispose_handles_what_was_queued_and_later_adds_are_refused()
    {
        var release = new TaskCompletionSource();
        var handled = 0;
        var loop = new BatchLoop<int>(async batch =>
        {
            await release.Task;
            Interlocked.Add(ref handled, batch.Count);
        }, maxCount: 2);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(loop.TryAdd(i));
        }

        var disposing = loop.DisposeAsync().AsTask();
        Assert.False(loop.TryAdd(99));
        Assert.False(disposing.IsCompleted);
        release.SetResult();
        await disposing;

        Assert.Equal(5, handled);
    }

    [Fact]
    public async Task An_item_added_while_a_batch_is_handled_is_handled_after_it_without_another_add()
    {
        var first = new TaskCompletionSource();
        var seen = new List<int>();
        var second = new TaskCompletionSource();
        var loop = new BatchLoop<int>(async batch =>
        {
            seen.AddRange(batch);
            if (batch.Contains(1))
            {
                await first.Task;
            }
            if (batch.Contains(2))
            {
                second.SetResult();
            }
        }, maxCount: 10);

        Assert.True(loop.TryAdd(1));
        await Eventually.True(() => seen.Count == 1, "the first batch is taken");
        Assert.True(loop.TryAdd(2));
        first.SetResult();
        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1, 2], seen);
        await loop.DisposeAsync();
    }
}
