using System.Net;
using MachineGrid.Persistence.Diagnostics;
using MachineGrid.Persistence.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;

namespace MachineGrid.Persistence.Membership;

/// <summary>
/// A client's list of gateways: the Active silos of its cluster with a proxy port, read from the membership table the
/// silos write. It only reads, with a small pool of its own, and never creates the schema: before any silo has started,
/// the list is empty.
/// </summary>
internal sealed partial class PostgresGatewayListProvider : IGatewayListProvider, IAsyncDisposable, IDisposable
{
    private const int PoolSize = 4;

    private const string ActiveGatewaysSql = """
        SELECT silo_address, proxy_port FROM membership
        WHERE cluster_id = $1 AND status = $2 AND proxy_port > 0
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly string clusterId;
    private readonly string where;
    private readonly ILogger logger;

    public PostgresGatewayListProvider(
        StorageOptions options,
        IOptions<ClusterOptions> clusterOptions,
        IOptions<GatewayOptions> gatewayOptions,
        ILogger<PostgresGatewayListProvider> logger)
    {
        var connectionString = options.PostgresConnectionString
            ?? throw new StorageConfigurationException("UseMachineGridGateways needs a PostgreSQL connection string.");
        clusterId = clusterOptions.Value.ClusterId;
        if (string.IsNullOrWhiteSpace(clusterId))
        {
            throw new StorageConfigurationException("UseMachineGridGateways needs ClusterOptions.ClusterId.");
        }
        MaxStaleness = gatewayOptions.Value.GatewayListRefreshPeriod;
        where = options.Describe();
        this.logger = logger;
        dataSource = PostgresDatabase.BuildDataSource(connectionString, Math.Min(options.MaxPoolSize, PoolSize));
    }

    public TimeSpan MaxStaleness { get; }

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand(ActiveGatewaysSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)SiloStatus.Active });
            var gateways = new List<Uri>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var silo = SiloAddress.FromParsableString(reader.GetString(0));
                var gateway = SiloAddress.New(new IPEndPoint(silo.Endpoint.Address, reader.GetInt32(1)), silo.Generation);
                gateways.Add(gateway.ToGatewayUri());
            }
            return gateways;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            LogNoSchema(logger, clusterId, where);
            return [];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex, clusterId, where);
            throw StorageFailures.Wrap(ex, "PostgreSQL", $"the read of the gateways of cluster '{clusterId}'");
        }
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public void Dispose() => dataSource.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No gateways for cluster {ClusterId}: {Database} has no membership table yet, so no silo has started there.")]
    private static partial void LogNoSchema(ILogger logger, string clusterId, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the gateways of cluster {ClusterId} from {Database} failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string clusterId, string database);
}
