namespace MachineGrid.Cluster.Tests;

/// <summary>
/// One PostgreSQL server and one three-silo cluster on a new database, shared by the tests that kill no silo. Each test
/// makes its own principals, groups and machines with new ids, so tests see only what they made.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private PostgresServer? server;
    private ThreeSiloCluster? cluster;

    /// <summary>The cluster.</summary>
    public ThreeSiloCluster Cluster => cluster ?? throw new InvalidOperationException("The shared cluster has not started.");

    /// <summary>The PostgreSQL server.</summary>
    public PostgresServer Server => server ?? throw new InvalidOperationException("The shared cluster has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        server = await PostgresServer.StartAsync();
        cluster = await ThreeSiloCluster.StartAsync(await server.CreateDatabaseAsync());
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>Test classes on the shared cluster.</summary>
[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<SharedCluster>
{
    public const string Name = "three silos on PostgreSQL";
}
