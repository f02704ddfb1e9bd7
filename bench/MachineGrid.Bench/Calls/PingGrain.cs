using MachineGrid.Runtime;

namespace MachineGrid.Bench.Calls;

public interface IPingGrain : IGrainWithStringKey
{
    Task<int> Ping(int value);

    /// <summary>Yields once, so the call completes asynchronously and goes through the mailbox path.</summary>
    Task<int> PingAsync(int value);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value + 1);

    public async Task<int> PingAsync(int value)
    {
        await Task.Yield();
        return value + 1;
    }
}
