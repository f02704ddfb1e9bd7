using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Orleans;

namespace MachineGrid.Persistence.Tests.GrainStorage;

/// <summary>
/// A child process writes with 64 concurrent writers, so a batch is almost always in flight, and is killed with
/// SIGKILL; every write it printed as acknowledged must be found, at that version or a later one.
/// </summary>
[Collection(StoragePostgresCollection.Name)]
public sealed class CrashTests(PostgresServer postgres)
{
    private const int Writers = 64;

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_writer_killed_in_the_middle_of_a_batch_loses_no_acknowledged_write(Database database)
    {
        var options = await TestStores.NewOptionsAsync(database, postgres);
        var target = database == Database.Sqlite ? options.SqlitePath! : options.PostgresConnectionString!;
        var acknowledged = new ConcurrentDictionary<int, int>();
        var total = 0;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "MachineGrid.Persistence.CrashWriter.dll"), database == Database.Sqlite ? "sqlite" : "postgres", target, Writers.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var writer = Process.Start(info)!;
        try
        {
            var errors = writer.StandardError.ReadToEndAsync();
            var reading = Task.Run(() =>
            {
                while (writer.StandardOutput.ReadLine() is { } line)
                {
                    var parts = line.Split(' ');
                    var grain = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    var count = int.Parse(parts[2], CultureInfo.InvariantCulture);
                    acknowledged.AddOrUpdate(grain, count, (_, seen) => Math.Max(seen, count));
                    if (++total == 3000)
                    {
                        enough.TrySetResult();
                    }
                }
                enough.TrySetResult();
            });

            await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (writer.HasExited)
            {
                Assert.Fail($"The writer ended early: {await errors}");
            }
            writer.Kill();
            await reading.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!writer.HasExited)
            {
                writer.Kill();
            }
        }

        await using var storage = new StorageUnderTest(options);
        foreach (var (grain, count) in acknowledged)
        {
            var state = await storage.ReadAsync<CrashState>(GrainId.Create("crash", grain.ToString(CultureInfo.InvariantCulture)));
            Assert.True(state.RecordExists, $"writer {grain} lost its record");
            Assert.True(state.State!.Count >= count, $"writer {grain} acknowledged write {count}, and the store holds {state.State.Count}");
            Assert.Equal(state.State.Count.ToString(CultureInfo.InvariantCulture), state.ETag);
        }
        Assert.Equal(Writers, acknowledged.Count);
    }

    public sealed class CrashState
    {
        public int Count { get; set; }

        public string Payload { get; set; } = "";
    }
}
