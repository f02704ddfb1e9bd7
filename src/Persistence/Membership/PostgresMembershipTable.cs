using System.Globalization;
using System.Text;
using MachineGrid.Persistence.Diagnostics;
using MachineGrid.Persistence.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace MachineGrid.Persistence.Membership;

/// <summary>
/// Orleans cluster membership in PostgreSQL, one cluster per <see cref="ClusterOptions.ClusterId"/>.
/// <para>
/// The cluster's row in <c>membership_version</c> is the table version: a silo row is inserted or updated only in the
/// transaction that moves it from the version just before the caller's to the caller's, so of two writers that read the
/// same version exactly one succeeds. The row lock on that version row also orders every such writer of a cluster.
/// A silo row's ETag is its own <c>version</c>, bumped by every update except the IAmAlive one.
/// </para>
/// <para>
/// Suspect votes are stored as readable text: <c>"10.0.0.5:11111@472 2025-06-01T12:00:03.0000000Z; ..."</c>, each a
/// suspecting silo's parsable address and the vote's UTC time in round-trip format.
/// </para>
/// </summary>
internal sealed partial class PostgresMembershipTable : IMembershipTable
{
    private const string ReadAllSql = """
        SELECT v.version, m.silo_address, m.silo_name, m.host_name, m.status, m.proxy_port, m.suspect_times,
               m.start_time, m.i_am_alive_time, m.version
        FROM membership_version v LEFT JOIN membership m ON m.cluster_id = v.cluster_id
        WHERE v.cluster_id = $1
        """;

    private const string ReadRowSql = """
        SELECT v.version, m.silo_address, m.silo_name, m.host_name, m.status, m.proxy_port, m.suspect_times,
               m.start_time, m.i_am_alive_time, m.version
        FROM membership_version v LEFT JOIN membership m ON m.cluster_id = v.cluster_id AND m.silo_address = $2
        WHERE v.cluster_id = $1
        """;

    private const string BumpVersionSql = "UPDATE membership_version SET version = $2 WHERE cluster_id = $1 AND version = $2 - 1";

    private const string InsertRowSql = """
        INSERT INTO membership (cluster_id, silo_address, silo_name, host_name, status, proxy_port, suspect_times, start_time, i_am_alive_time, version)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)
        ON CONFLICT (cluster_id, silo_address) DO NOTHING
        """;

    private const string UpdateRowSql = """
        UPDATE membership
        SET silo_name = $3, host_name = $4, status = $5, proxy_port = $6, suspect_times = $7, start_time = $8,
            i_am_alive_time = $9, version = version + 1
        WHERE cluster_id = $1 AND silo_address = $2 AND version = $10
        """;

    /// <summary>Candidates for cleanup: not Active, and neither started nor alive since the cut-off; their votes are checked in code.</summary>
    private const string DefunctCandidatesSql = """
        SELECT silo_address, suspect_times, version FROM membership
        WHERE cluster_id = $1 AND status <> $2 AND greatest(start_time, i_am_alive_time) < $3
        """;

    /// <summary>Deletes the chosen rows only if nothing wrote them since they were read.</summary>
    private const string DeleteDefunctSql = """
        DELETE FROM membership m USING unnest($2::text[], $3::bigint[]) AS d(silo_address, version)
        WHERE m.cluster_id = $1 AND m.silo_address = d.silo_address AND m.version = d.version
          AND m.status <> $4 AND greatest(m.start_time, m.i_am_alive_time) < $5
        """;

    private const string VoteSeparator = "; ";

    private readonly PostgresDatabase database;
    private readonly string clusterId;
    private readonly ILogger logger;

    public PostgresMembershipTable(MachineGridStore store, IOptions<ClusterOptions> clusterOptions, ILogger<PostgresMembershipTable> logger)
    {
        database = store.Database as PostgresDatabase
            ?? throw new StorageConfigurationException($"The Orleans membership table needs PostgreSQL; storage '{store.Options.StorageName}' is on {store.Database.Kind}.");
        clusterId = clusterOptions.Value.ClusterId;
        if (string.IsNullOrWhiteSpace(clusterId))
        {
            throw new StorageConfigurationException("The Orleans membership table needs ClusterOptions.ClusterId.");
        }
        this.logger = logger;
    }

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (tryInitTableVersion)
            {
                await using var command = database.DataSource.CreateCommand(
                    "INSERT INTO membership_version (cluster_id, version) VALUES ($1, 0) ON CONFLICT (cluster_id) DO NOTHING");
                command.Parameters.Add(Text(clusterId));
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                {
                    LogVersionRowCreated(logger, clusterId);
                }
            }
        }
        catch (Exception ex)
        {
            throw Failed(ex, "initialization");
        }
    }

    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await using var command = database.DataSource.CreateCommand(ReadRowSql);
            command.Parameters.Add(Text(clusterId));
            command.Parameters.Add(Text(key.ToParsableString()));
            return await ReadTableAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Failed(ex, $"read of silo {key}");
        }
    }

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await using var command = database.DataSource.CreateCommand(ReadAllSql);
            command.Parameters.Add(Text(clusterId));
            return await ReadTableAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Failed(ex, "read of all silos");
        }
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var insert = new NpgsqlBatchCommand(InsertRowSql);
        AddEntryParameters(insert.Parameters, entry);
        try
        {
            return await WriteUnderVersionAsync(tableVersion, insert, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Failed(ex, $"insert of silo {entry.SiloAddress}");
        }
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (!long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var rowVersion))
        {
            return false;
        }
        var update = new NpgsqlBatchCommand(UpdateRowSql);
        AddEntryParameters(update.Parameters, entry);
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = rowVersion });
        try
        {
            return await WriteUnderVersionAsync(tableVersion, update, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Failed(ex, $"update of silo {entry.SiloAddress}");
        }
    }

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await using var command = database.DataSource.CreateCommand(
                "UPDATE membership SET i_am_alive_time = $3 WHERE cluster_id = $1 AND silo_address = $2");
            command.Parameters.Add(Text(clusterId));
            command.Parameters.Add(Text(entry.SiloAddress.ToParsableString()));
            command.Parameters.Add(Time(entry.IAmAliveTime));
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                LogIAmAliveWithoutRow(logger, entry.SiloAddress, clusterId);
            }
        }
        catch (Exception ex)
        {
            throw Failed(ex, $"IAmAlive update of silo {entry.SiloAddress}");
        }
    }

    /// <summary>
    /// Deletes this cluster's silos that are not Active and whose last sign of life is older than
    /// <paramref name="beforeDate"/>: their start, their last IAmAlive and the latest suspect vote against them (the
    /// silo that declares another dead adds its vote, so a recent death keeps its row). The table version is unchanged.
    /// </summary>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var cutoff = beforeDate.UtcDateTime;
        try
        {
            await database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var silos = new List<string>();
            var versions = new List<long>();
            await using (var candidates = database.DataSource.CreateCommand(DefunctCandidatesSql))
            {
                candidates.Parameters.Add(Text(clusterId));
                candidates.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)SiloStatus.Active });
                candidates.Parameters.Add(Time(cutoff));
                await using var reader = await candidates.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var silo = reader.GetString(0);
                    var votes = reader.IsDBNull(1) ? null : ParseVotes(reader.GetString(1), silo);
                    if (votes is null || votes.All(vote => vote.Item2 < cutoff))
                    {
                        silos.Add(silo);
                        versions.Add(reader.GetInt64(2));
                    }
                }
            }
            if (silos.Count == 0)
            {
                return;
            }
            await using var delete = database.DataSource.CreateCommand(DeleteDefunctSql);
            delete.Parameters.Add(Text(clusterId));
            delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. silos] });
            delete.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. versions] });
            delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)SiloStatus.Active });
            delete.Parameters.Add(Time(cutoff));
            var deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            LogDefunctDeleted(logger, deleted, clusterId, beforeDate);
        }
        catch (Exception ex)
        {
            throw Failed(ex, "cleanup of defunct silos");
        }
    }

    /// <summary>Deletes the named cluster's version row and, with it, all its silos.</summary>
    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        try
        {
            await database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await using var command = database.DataSource.CreateCommand("DELETE FROM membership_version WHERE cluster_id = $1");
            command.Parameters.Add(Text(clusterId));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Failed(ex, "deletion of all entries", clusterId);
        }
    }

    /// <summary>Moves the table version to <paramref name="tableVersion"/> and applies the row change in one transaction, or changes nothing.</summary>
    private async Task<bool> WriteUnderVersionAsync(TableVersion tableVersion, NpgsqlBatchCommand rowChange, CancellationToken cancellationToken)
    {
        var bump = new NpgsqlBatchCommand(BumpVersionSql);
        bump.Parameters.Add(Text(clusterId));
        bump.Parameters.Add(new NpgsqlParameter<int> { TypedValue = tableVersion.Version });
        await using var connection = (NpgsqlConnection)await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { bump, rowChange } };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (bump.RecordsAffected != 1 || rowChange.RecordsAffected != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<MembershipTableData> ReadTableAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var members = new List<Tuple<MembershipEntry, string>>();
        var version = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            version = reader.GetInt32(0);
            if (reader.IsDBNull(1))
            {
                continue;
            }
            var silo = reader.GetString(1);
            var entry = new MembershipEntry
            {
                SiloAddress = SiloAddress.FromParsableString(silo),
                SiloName = reader.GetString(2),
                HostName = reader.GetString(3),
                Status = (SiloStatus)reader.GetInt32(4),
                ProxyPort = reader.GetInt32(5),
                SuspectTimes = reader.IsDBNull(6) ? null : ParseVotes(reader.GetString(6), silo),
                StartTime = reader.GetFieldValue<DateTime>(7),
                IAmAliveTime = reader.GetFieldValue<DateTime>(8),
            };
            members.Add(Tuple.Create(entry, ToETag(reader.GetInt64(9))));
        }
        return new MembershipTableData(members, new TableVersion(version, ToETag(version)));
    }

    private void AddEntryParameters(NpgsqlParameterCollection parameters, MembershipEntry entry)
    {
        parameters.Add(Text(clusterId));
        parameters.Add(Text(entry.SiloAddress.ToParsableString()));
        parameters.Add(Text(entry.SiloName ?? ""));
        parameters.Add(Text(entry.HostName ?? ""));
        parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)entry.Status });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.ProxyPort });
        parameters.Add(new NpgsqlParameter<string?> { TypedValue = FormatVotes(entry.SuspectTimes) });
        parameters.Add(Time(entry.StartTime));
        parameters.Add(Time(entry.IAmAliveTime));
    }

    private static string? FormatVotes(List<Tuple<SiloAddress, DateTime>>? votes)
    {
        if (votes is null)
        {
            return null;
        }
        var text = new StringBuilder();
        foreach (var (silo, time) in votes)
        {
            if (text.Length > 0)
            {
                text.Append(VoteSeparator);
            }
            text.Append(silo.ToParsableString()).Append(' ').Append(Utc(time).ToString("O", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static List<Tuple<SiloAddress, DateTime>> ParseVotes(string text, string silo)
    {
        var votes = new List<Tuple<SiloAddress, DateTime>>();
        foreach (var vote in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var space = vote.LastIndexOf(' ');
            if (space <= 0
                || ParseSilo(vote[..space]) is not { } suspecter
                || !DateTime.TryParseExact(vote.AsSpan(space + 1), "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
            {
                throw new FormatException($"The suspect votes stored for silo {silo} cannot be read: '{vote}' is not '<silo address> <UTC time>'.");
            }
            votes.Add(Tuple.Create(suspecter, Utc(time)));
        }
        return votes;
    }

    private static SiloAddress? ParseSilo(string text)
    {
        try
        {
            return SiloAddress.FromParsableString(text);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value };

    private static NpgsqlParameter<DateTime> Time(DateTime value) => new() { TypedValue = Utc(value) };

    private static string ToETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private Exception Failed(Exception exception, string operation, string? cluster = null)
    {
        cluster ??= clusterId;
        if (exception is not OperationCanceledException)
        {
            LogFailed(logger, exception, operation, cluster);
        }
        return StorageFailures.Wrap(exception, database.Kind, $"the membership {operation} in cluster '{cluster}'");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership version row of cluster {ClusterId}.")]
    private static partial void LogVersionRowCreated(ILogger logger, string clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAmAlive of silo {Silo} found no row in cluster {ClusterId}.")]
    private static partial void LogIAmAliveWithoutRow(ILogger logger, SiloAddress silo, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} defunct silos of cluster {ClusterId} last alive before {BeforeDate}.")]
    private static partial void LogDefunctDeleted(ILogger logger, int count, string clusterId, DateTimeOffset beforeDate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {Operation} failed in cluster {ClusterId}.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string operation, string clusterId);
}
