namespace MachineGrid.Runtime.Tests.Grains;

public interface IInterleaveGrain : IGrainWithStringKey
{
    /// <summary>Records "blocked" and waits until <see cref="Release"/> is called (wait for the record before releasing).</summary>
    Task Block();

    Task<string> Ping();

    [AlwaysInterleave]
    Task<string> InterleavedPing();

    [AlwaysInterleave]
    Task Release();

    [ReadOnly]
    Task ReadBlock();

    [ReadOnly]
    Task<string> ReadPing();

    [OneWay]
    Task Notify(string text);
}

public sealed class InterleaveGrain : Grain, IInterleaveGrain
{
    private TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Block()
    {
        Probe.Record(GetPrimaryKeyString(), "blocked");
        return gate.Task;
    }

    public Task<string> Ping() => Task.FromResult("pong");

    public Task<string> InterleavedPing() => Task.FromResult("interleaved pong");

    public Task Release()
    {
        gate.TrySetResult();
        gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        return Task.CompletedTask;
    }

    public Task ReadBlock()
    {
        Probe.Record(GetPrimaryKeyString(), "read-blocked");
        return gate.Task;
    }

    public Task<string> ReadPing() => Task.FromResult("read pong");

    public Task Notify(string text)
    {
        Probe.Record(GetPrimaryKeyString(), $"notify:{text}");
        return Task.CompletedTask;
    }
}
