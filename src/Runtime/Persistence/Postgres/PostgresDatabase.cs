using MachineGrid.Runtime.Persistence.GroupCommit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MachineGrid.Runtime.Persistence.Postgres;

/// <summary>
/// One PostgreSQL database shared by the grain storage, the reminder table and the index store: its connection pool, its schema
/// (created on first use), and the group committer that owns the write connection.
/// </summary>
internal sealed class PostgresDatabase : IWriteQueue, IAsyncDisposable, IDisposable
{
    private readonly SchemaInitializer schema;
    private readonly GroupCommitter committer;
    private int disposed;

    /// <summary>Connects (lazily) with <paramref name="connectionString"/>.</summary>
    public PostgresDatabase(string connectionString, ILogger? logger = null, GroupCommitLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }
        DataSource = NpgsqlDataSource.Create(builder);
        schema = new SchemaInitializer(CreateSchemaAsync);
        committer = new GroupCommitter(
            new PostgresBatchWriter(DataSource, schema), "postgresql", limits ?? GroupCommitLimits.Default, logger ?? NullLogger.Instance);
    }

    /// <summary>The pooled data source for reads.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <inheritdoc />
    public void Enqueue(PendingWrite write) => committer.Enqueue(write);

    /// <summary>Creates a read command on a pooled connection once the schema exists.</summary>
    public async ValueTask<NpgsqlCommand> CreateReadCommandAsync(string sql, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        await schema.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return DataSource.CreateCommand(sql);
    }

    /// <summary>Stops accepting writes, commits those queued, and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }
        await committer.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Blocking <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(PostgresSchema.Create, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
