using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace MachineGrid.Grains.Tests;

/// <summary>
/// Wraps the silo's "Default" grain storage so that a crash can stop its writes. Orleans' kill of an in-process silo
/// still deactivates its grains, with a cancelled token, and a grain that writes in <c>OnDeactivateAsync</c> (the machine
/// grain writes its last heartbeat time there) could land that write as the silo goes, which no real crash would. Once
/// <see cref="Crash"/> is called, writes and clears fail and reach the database no more.
/// </summary>
public sealed class CrashableGrainStorage(IGrainStorage inner, CrashableGrainStorage.Fence fence) : IGrainStorage
{
    /// <summary>Whether the silo has crashed; shared by the storage and the test's cluster.</summary>
    public sealed class Fence
    {
        private volatile bool crashed;

        public bool Crashed => crashed;

        public void Crash() => crashed = true;
    }

    /// <summary>Replaces the "Default" grain storage registration with one wrapped behind <paramref name="fence"/>.</summary>
    public static void Install(IServiceCollection services, Fence fence)
    {
        var original = services.Single(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, "Default"));
        var factory = original.KeyedImplementationFactory ?? throw new InvalidOperationException("The Default grain storage is not registered with a factory.");
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>("Default", (sp, key) => new CrashableGrainStorage((IGrainStorage)factory(sp, key), fence));
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfCrashed();
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfCrashed();
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private void ThrowIfCrashed()
    {
        if (fence.Crashed)
        {
            throw new IOException("The silo has crashed; its storage takes no more writes.");
        }
    }
}
