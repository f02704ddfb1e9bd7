using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace MachineGrid.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server: a fresh cluster in a temporary folder, listening on 127.0.0.1 on a free port,
/// with fsync on so durability costs are real. Use it as an xunit collection fixture (one server per test run)
/// or start it directly with <see cref="StartAsync"/>. Disposing stops the server and deletes its folder.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private string? rootDirectory;
    private string? binDirectory;
    private string? runAs;
    private int databaseCounter;

    /// <summary>Connection string of the <c>postgres</c> maintenance database, as superuser; empty while the server is not running.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The TCP port the server listens on (on 127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>Starts a new server and returns it once it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer();
        await server.InitializeAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        var name = string.Create(CultureInfo.InvariantCulture, $"test_{Interlocked.Increment(ref databaseCounter)}_{Guid.NewGuid():N}");
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Takes the server down as a crash would (<c>pg_ctl stop -m immediate</c>: no checkpoint, clients cut off); its
    /// data and port stay, so <see cref="RestartServerAsync"/> brings the same databases back after recovery.
    /// </summary>
    public async Task CrashServerAsync()
    {
        EnsureRunning();
        await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"]).ConfigureAwait(false);
    }

    /// <summary>Starts the server again on its data and port after <see cref="CrashServerAsync"/>; returns once it accepts connections.</summary>
    public async Task RestartServerAsync()
    {
        EnsureRunning();
        await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "start"]).ConfigureAwait(false);
        await WaitUntilAcceptingAsync().ConfigureAwait(false);
    }

    /// <summary>Initializes and starts the cluster (xunit calls this for fixtures).</summary>
    public async Task InitializeAsync()
    {
        if (rootDirectory is not null)
        {
            throw new InvalidOperationException("The server was already started.");
        }
        binDirectory = PostgresBinaries.FindDirectory();
        runAs = Environment.UserName == "root" ? ServiceUser : null;
        rootDirectory = Path.Combine(Path.GetTempPath(), $"machinegrid-pg-{Guid.NewGuid():N}");
        try
        {
            await StartClusterAsync(rootDirectory).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown) and deletes its folder.</summary>
    public Task DisposeAsync() => StopAsync();

    /// <inheritdoc />
    ValueTask IAsyncDisposable.DisposeAsync() => new(StopAsync());

    private string DataDirectory => Path.Combine(rootDirectory!, "data");

    private string LogFile => Path.Combine(rootDirectory!, "server.log");

    private async Task StartClusterAsync(string root)
    {
        Directory.CreateDirectory(root);
        if (runAs is not null)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ServiceUser}:", root], asUser: null, CommandTimeout).ConfigureAwait(false);
        }
        await RunServerToolAsync("initdb", ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]).ConfigureAwait(false);

        Port = FreeTcpPort();
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), string.Join('\n',
            "",
            "listen_addresses = '127.0.0.1'",
            $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
            $"unix_socket_directories = '{root}'",
            "fsync = on",
            "synchronous_commit = on",
            "full_page_writes = on",
            "max_connections = 200",
            "shared_buffers = 128MB",
            "logging_collector = off",
            "")).ConfigureAwait(false);

        await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "start"]).ConfigureAwait(false);

        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
            Timeout = 15,
        }.ConnectionString;
        await WaitUntilAcceptingAsync().ConfigureAwait(false);
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync().ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException($"PostgreSQL did not accept connections on port {Port}. Server log:\n{ReadLog()}", ex);
            }
        }
    }

    private async Task StopAsync()
    {
        if (rootDirectory is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]).ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(rootDirectory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
            rootDirectory = null;
            ConnectionString = "";
        }
    }

    private async Task RunServerToolAsync(string tool, string[] arguments)
    {
        try
        {
            await ProcessRunner.RunAsync(Path.Combine(binDirectory!, tool), arguments, runAs, CommandTimeout).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nServer log:\n{ReadLog()}", ex);
        }
    }

    private string ReadLog() => rootDirectory is not null && File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";

    private void EnsureRunning()
    {
        if (rootDirectory is null || ConnectionString.Length == 0)
        {
            throw new InvalidOperationException("The PostgreSQL server is not running; call InitializeAsync or StartAsync first.");
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
