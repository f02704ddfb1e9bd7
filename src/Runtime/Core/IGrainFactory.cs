namespace MachineGrid.Runtime;

/// <summary>Creates references to grains. Getting a reference does no I/O and activates nothing.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of interface <typeparamref name="TGrain"/> with the given string key.</summary>
    /// <exception cref="ArgumentException">The key is empty or too long, or no grain class implements the interface.</exception>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;

    /// <summary>A reference to the grain of interface <typeparamref name="TGrain"/> with the given Guid key.</summary>
    TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey;
}
