using Xunit;

namespace MachineGrid.Grains.Tests;

/// <summary>
/// One cluster shared by the tests of a collection, which run one after another. Each test gets a <see cref="Grid"/>
/// with an owner of its own and uses new ids, so tests see only what they made; tests that move the clock, restart,
/// set options or read environment-wide results (admin lists, the audit log) start a cluster of their own instead.
/// </summary>
public sealed class SharedGrid : IAsyncLifetime
{
    private GridCluster? silo;

    /// <summary>The shared cluster.</summary>
    public GridCluster Silo => silo ?? throw new InvalidOperationException("The shared cluster has not started.");

    /// <summary>A grid on the shared cluster for a new owner.</summary>
    public Grid NewGrid() => new(Silo, Actors.Owner());

    /// <inheritdoc />
    public async Task InitializeAsync() => silo = await GridSilo.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }
    }
}

/// <summary>Test classes on the first shared cluster.</summary>
[CollectionDefinition(Name)]
public sealed class SharedGridA : ICollectionFixture<SharedGrid>
{
    public const string Name = "shared grid A";
}

/// <summary>Test classes on the second shared cluster, so two collections can run side by side.</summary>
[CollectionDefinition(Name)]
public sealed class SharedGridB : ICollectionFixture<SharedGrid>
{
    public const string Name = "shared grid B";
}
