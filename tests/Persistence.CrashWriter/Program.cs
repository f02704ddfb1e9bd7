// Writes grain states as fast as the storage takes them and prints one line per acknowledged write, so a test can
// kill this process at any moment and check that every acknowledged write survived.
// Arguments: sqlite <path> | postgres <connection string>, then the number of concurrent writers.
using MachineGrid.Persistence;
using MachineGrid.Persistence.Grains;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

var options = new StorageOptions();
_ = args[0] == "sqlite" ? options.UseSqlite(args[1]) : options.UsePostgres(args[1]);
var writers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
await using var store = new MachineGridStore(options, NullLoggerFactory.Instance);
var storage = new JsonGrainStorage("Default", store, NullLogger<JsonGrainStorage>.Instance);
var output = Console.Out;
var outputLock = new Lock();

await Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
{
    var grain = GrainId.Create("crash", writer.ToString(System.Globalization.CultureInfo.InvariantCulture));
    var state = new GrainState<CrashState>(new CrashState());
    while (true)
    {
        state.State!.Count++;
        state.State.Payload = new string('x', 50 + (state.State.Count % 200));
        await storage.WriteStateAsync("state", grain, state);
        lock (outputLock)
        {
            output.WriteLine($"ack {writer} {state.State.Count}");
            output.Flush();
        }
    }
}));

internal sealed class CrashState
{
    public int Count { get; set; }

    public string Payload { get; set; } = "";
}
