using System.Text;
using MachineGrid.Persistence.Writes;

namespace MachineGrid.Persistence.Tests.Writes;

public sealed class CommitQueueTests
{
    [Fact]
    public async Task Urgent_writes_leave_first_with_the_oldest_ordinary_writes_beside_them_in_the_order_all_were_made()
    {
        var (queue, batches, release) = HeldQueue(maxBatch: 100, besideUrgent: 3);
        var ordinary = Enumerable.Range(1, 10).Select(i => Row($"o{i}")).ToList();
        var urgent = new[] { Row("u1"), Row("u2") };
        ordinary.ForEach(write => Assert.True(queue.TryAdd(write, isUrgent: false)));
        Assert.True(queue.TryAdd(urgent[0], isUrgent: true));
        Assert.True(queue.TryAdd(urgent[1], isUrgent: true));

        release.SetResult();
        await queue.DisposeAsync();

        Assert.Equal(["o1", "o2", "o3", "u1", "u2"], batches[1]);
        Assert.Equal(["o4", "o5", "o6", "o7", "o8", "o9", "o10"], batches[2]);
        Assert.Equal(3, batches.Count);
    }

    [Fact]
    public async Task An_urgent_write_takes_along_every_ordinary_write_made_before_the_last_one_to_the_same_row()
    {
        var (queue, batches, release) = HeldQueue(maxBatch: 100, besideUrgent: 2);
        for (var i = 1; i <= 10; i++)
        {
            Assert.True(queue.TryAdd(i == 7 ? Row("o7", key: "shared") : Row($"o{i}"), isUrgent: false));
        }
        Assert.True(queue.TryAdd(Row("u", key: "shared"), isUrgent: true));
        Assert.True(queue.TryAdd(Row("o11", key: "shared"), isUrgent: false));

        release.SetResult();
        await queue.DisposeAsync();

        Assert.Equal(["o1", "o2", "o3", "o4", "o5", "o6", "o7", "u"], batches[1]);
        Assert.Equal(["o8", "o9", "o10", "o11"], batches[2]);
    }

    [Fact]
    public async Task An_urgent_write_of_a_grain_state_never_passes_an_earlier_write_of_that_state()
    {
        var (queue, batches, release) = HeldQueue(maxBatch: 100, besideUrgent: 1);
        Assert.True(queue.TryAdd(State("s1", grain: "run-a"), isUrgent: false));
        Assert.True(queue.TryAdd(State("s2", grain: "run-b"), isUrgent: false));
        Assert.True(queue.TryAdd(State("s3", grain: "run-c"), isUrgent: false));
        Assert.True(queue.TryAdd(State("u", grain: "run-b"), isUrgent: true));

        release.SetResult();
        await queue.DisposeAsync();

        Assert.Equal(["s1", "s2", "u"], batches[1]);
        Assert.Equal(["s3"], batches[2]);
    }

    [Fact]
    public async Task Without_urgent_writes_a_batch_takes_the_oldest_up_to_its_count_or_the_write_that_passes_its_size()
    {
        var (queue, batches, release) = HeldQueue(maxBatch: 4, besideUrgent: 1, maxBytes: 10);
        // A write's size is its row's key and value: 2 for "a", 6 for the padded "b" and "c".
        foreach (var (name, size) in new[] { ("a", 2), ("b", 6), ("c", 6), ("d", 2), ("e", 2), ("f", 2), ("g", 2), ("h", 2), ("i", 2) })
        {
            Assert.True(queue.TryAdd(Row(name, size: size), isUrgent: false));
        }

        release.SetResult();
        await queue.DisposeAsync();

        Assert.Equal([["a", "b", "c"], ["d", "e", "f", "g"], ["h", "i"]], batches.Skip(1));
    }

    [Fact]
    public async Task Writes_from_many_threads_leave_once_each_and_every_row_sees_its_writes_in_the_order_they_were_made()
    {
        const int Threads = 8;
        const int PerThread = 5_000;
        var handled = new List<PendingWrite>();
        var queue = new CommitQueue(async batch =>
        {
            handled.AddRange(batch);
            await Task.Yield();
        }, maxBatch: 256, maxBytes: long.MaxValue, besideUrgent: 16);

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                // Rows shared by every thread, so urgent and ordinary writes to one row interleave.
                Assert.True(queue.TryAdd(Row($"{t}:{i}", key: $"row-{i % 13}"), isUrgent: i % 5 == 0));
            }
        })));
        await queue.DisposeAsync();

        Assert.Equal(Threads * PerThread, handled.Count);
        Assert.Equal(handled.Count, handled.Select(write => write.Sequence).Distinct().Count());
        foreach (var row in handled.GroupBy(write => ((PendingRowsWrite)write).Rows[0].Key))
        {
            var sequences = row.Select(write => write.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
        foreach (var thread in handled.GroupBy(write => NameOf(write).Split(':')[0]))
        {
            var ordinary = thread.Select(NameOf).Select(name => int.Parse(name.Split(':')[1])).Where(i => i % 5 != 0).ToList();
            Assert.Equal(ordinary.Order(), ordinary);
        }
    }

    [Fact]
    public async Task Dispose_commits_what_was_queued_and_later_writes_are_refused()
    {
        var (queue, batches, release) = HeldQueue(maxBatch: 2, besideUrgent: 1);
        Assert.True(queue.TryAdd(Row("a"), isUrgent: false));
        Assert.True(queue.TryAdd(Row("b"), isUrgent: true));
        Assert.True(queue.TryAdd(Row("c"), isUrgent: false));

        var disposing = queue.DisposeAsync().AsTask();
        Assert.False(queue.TryAdd(Row("late"), isUrgent: true));
        Assert.False(disposing.IsCompleted);
        release.SetResult();
        await disposing;

        Assert.Equal(["a", "b", "c"], batches.Skip(1).SelectMany(batch => batch));
    }

    /// <summary>
    /// A queue whose first batch (one write, "hold") waits for the returned source, so the writes added meanwhile gather
    /// and the batches that follow show how the queue takes them. Each batch is recorded as the names of its writes.
    /// </summary>
    private static (CommitQueue Queue, List<string[]> Batches, TaskCompletionSource Release) HeldQueue(int maxBatch, int besideUrgent, long maxBytes = long.MaxValue)
    {
        var release = new TaskCompletionSource();
        var batches = new List<string[]>();
        var queue = new CommitQueue(async batch =>
        {
            lock (batches)
            {
                batches.Add([.. batch.Select(NameOf)]);
            }
            await release.Task;
        }, maxBatch, maxBytes, besideUrgent);
        Assert.True(queue.TryAdd(Row("hold"), isUrgent: false));
        Assert.True(SpinWait.SpinUntil(() => { lock (batches) { return batches.Count == 1; } }, TimeSpan.FromSeconds(10)), "the first batch is taken");
        return (queue, batches, release);
    }

    private static PendingRowsWrite Row(string name, string? key = null, int size = 0) =>
        new([RowChange.Put("t", key ?? name, Encoding.UTF8.GetBytes(name + new string('.', Math.Max(0, size - (key ?? name).Length - name.Length))))]);

    private static PendingStateWrite State(string name, string grain) => new(grain, "state", $"\"{name}\"", 1, []);

    private static string NameOf(PendingWrite write) => write switch
    {
        PendingRowsWrite rows => Encoding.UTF8.GetString(rows.Rows[0].Value!).TrimEnd('.'),
        PendingStateWrite state => state.Json!.Trim('"'),
        _ => throw new InvalidOperationException(),
    };
}
