namespace MachineGrid.Gateway.Tests;

/// <summary>A gateway with <see cref="SeededStore"/> made in it.</summary>
public sealed class SeededGatewayFixture : GatewayFixture
{
    /// <summary>The resources made at start.</summary>
    public SeededStore Seed { get; private set; } = null!;

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Seed = await SeededStore.CreateAsync(Grid);
    }
}
