using Xunit;

namespace MachineGrid.Gateway.Tests;

/// <summary>One gateway shared by the tests of a class; each test makes its own resources.</summary>
public class GatewayFixture : IAsyncLifetime
{
    /// <summary>The running host.</summary>
    public GatewayHost Host { get; private set; } = null!;

    /// <summary>Builds resources through the API.</summary>
    public Grid Grid { get; private set; } = null!;

    /// <summary>The bootstrap admin's client.</summary>
    public ApiClient Admin => Grid.Admin;

    /// <summary>Configuration the host starts with.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        Host = await GatewayHost.StartAsync(settings: Settings);
        Grid = new Grid(Host);
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Host.DisposeAsync();
}
