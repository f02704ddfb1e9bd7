namespace MachineGrid.Runtime.Tests.Grains;

/// <summary>An <see cref="AsyncLocal{T}"/> that grain code sets synchronously, to see where it flows.</summary>
public static class Ambient
{
    private static readonly AsyncLocal<string?> Local = new();

    public static string? Value
    {
        get => Local.Value;
        set => Local.Value = value;
    }
}

public interface IAmbientGrain : IGrainWithStringKey
{
    /// <summary>Sets <see cref="Ambient.Value"/> and returns a completed task.</summary>
    Task Set(string value);

    Task<string?> Read();

    /// <summary>Waits until <see cref="Release"/>.</summary>
    Task Hold();

    [AlwaysInterleave]
    Task Release();
}

public sealed class AmbientGrain : Grain, IAmbientGrain
{
    private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Set(string value)
    {
        Ambient.Value = value;
        return Task.CompletedTask;
    }

    public Task<string?> Read() => Task.FromResult(Ambient.Value);

    public Task Hold() => gate.Task;

    public Task Release()
    {
        gate.TrySetResult();
        return Task.CompletedTask;
    }
}
