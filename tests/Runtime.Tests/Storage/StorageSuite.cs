using System.Text;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>Base of the provider conformance suites: each test gets the provider's stores on a fresh backing store, removed afterwards.</summary>
public abstract class StorageSuite : IAsyncLifetime
{
    private StorageUnderTest? opened;

    /// <summary>The provider's backing store for this test.</summary>
    internal abstract StorageBackend Backend { get; }

    /// <summary>The stores as currently opened.</summary>
    internal StorageUnderTest Opened => opened ?? throw new InvalidOperationException("The stores are not open.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Backend.PrepareAsync();
        opened = await Backend.OpenAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (opened?.Owner is { } owner)
        {
            await owner.DisposeAsync();
        }
        await Backend.DisposeAsync();
    }

    /// <summary>Closes the stores and opens them again on the same backing store.</summary>
    private protected async Task ReopenAsync()
    {
        if (Opened.Owner is { } owner)
        {
            await owner.DisposeAsync();
        }
        opened = await Backend.OpenAsync();
    }

    private protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private protected static string Text(byte[]? data) => data is null ? "<null>" : Encoding.UTF8.GetString(data);
}
