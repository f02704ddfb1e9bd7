namespace MachineGrid.Runtime.Tests.Grains;

public interface IChainCalls : IGrainWithStringKey
{
    Task<string> CallSelf();

    /// <summary>Calls <paramref name="other"/>, which calls this grain back.</summary>
    Task<string> CallAround(string other);

    Task<string> CallBack(string origin);

    Task<string> Ping();

    Task Fail(string message);

    /// <summary>Throws before returning a task.</summary>
    Task<string> FailSynchronously(string message);
}

public interface IChainGrain : IChainCalls;

public abstract class ChainGrainBase<TSelf> : Grain where TSelf : IChainCalls
{
    public Task<string> CallSelf() => GrainFactory.GetGrain<TSelf>(GetPrimaryKeyString()).Ping();

    public Task<string> CallAround(string other) => GrainFactory.GetGrain<TSelf>(other).CallBack(GetPrimaryKeyString());

    public async Task<string> CallBack(string origin) => await GrainFactory.GetGrain<TSelf>(origin).Ping() + " via " + GetPrimaryKeyString();

    public async Task<string> Ping()
    {
        await Task.Yield();
        return "pong";
    }

    public Task Fail(string message) => throw new ArgumentOutOfRangeException(nameof(message), message);

    public Task<string> FailSynchronously(string message) => throw new InvalidOperationException(message);
}

public sealed class ChainGrain : ChainGrainBase<IChainGrain>, IChainGrain;

public interface IReentrantChainGrain : IChainCalls;

[Reentrant]
public sealed class ReentrantChainGrain : ChainGrainBase<IReentrantChainGrain>, IReentrantChainGrain;
