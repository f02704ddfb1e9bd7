using Npgsql;

namespace MachineGrid.Silo.Tests;

/// <summary>A silo's row in the PostgreSQL membership table, as the silos themselves wrote it.</summary>
internal sealed record MembershipRow(string ClusterId, string SiloAddress, int Status, int ProxyPort, string? SuspectTimes)
{
    public const int Active = 3;
    public const int Dead = 6;

    public static async Task<IReadOnlyList<MembershipRow>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT cluster_id, silo_address, status, proxy_port, suspect_times FROM membership", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<MembershipRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new MembershipRow(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return rows;
    }

    public bool HasPort(int siloPort) => SiloAddress.Contains($":{siloPort}@", StringComparison.Ordinal);
}
