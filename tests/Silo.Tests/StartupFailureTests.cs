using System.Net;
using System.Net.Sockets;

namespace MachineGrid.Silo.Tests;

/// <summary>A silo that cannot start says why in one line and exits with code 1, never a crash with a stack trace as its answer.</summary>
public sealed class StartupFailureTests : IDisposable
{
    private const string Failure = "MachineGrid silo did not start: ";
    private readonly string data = Directory.CreateTempSubdirectory("machinegrid-startup-").FullName;

    [Theory]
    [InlineData("--silo-port")]
    [InlineData("--gateway-port")]
    public async Task A_port_in_use_is_named(string option)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var other = option == "--silo-port" ? "--gateway-port" : "--silo-port";

        var (exitCode, output) = await RunAsync(option, port, other, "0");

        Assert.Equal(1, exitCode);
        var line = FailureLine(output);
        Assert.Contains($"Port {port} on 127.0.0.1 is already in use", line);
        Assert.Contains(option, line);
    }

    [Fact]
    public async Task An_http_address_in_use_is_named()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";

        var (exitCode, output) = await RunAsync("--silo-port", "0", "--gateway-port", "0", "--urls", url);

        Assert.Equal(1, exitCode);
        Assert.Contains(url, FailureLine(output));
    }

    [Fact]
    public async Task A_malformed_connection_string_is_refused_without_echoing_it()
    {
        var (exitCode, output) = await RunAsync("--postgres", "Host=127.0.0.1;Password=hunter2-secret;;=", "--silo-port", "0", "--gateway-port", "0");

        Assert.Equal(1, exitCode);
        Assert.Contains("connection string is not valid", FailureLine(output));
        Assert.DoesNotContain("hunter2-secret", output);
    }

    [Fact]
    public async Task An_unreachable_database_is_named_without_its_password()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var (exitCode, output) = await RunAsync(
            "--postgres", $"Host=127.0.0.1;Port={port};Username=grid;Password=hunter2-secret;Database=grid;Timeout=5",
            "--silo-port", "0", "--gateway-port", "0");

        Assert.Equal(1, exitCode);
        var line = FailureLine(output);
        Assert.Contains($"cannot open its PostgreSQL database (PostgreSQL at 127.0.0.1:{port}, database grid)", line);
        Assert.DoesNotContain("hunter2-secret", output);
    }

    [Fact]
    public async Task An_advertised_address_needs_the_cluster_database()
    {
        var (exitCode, output) = await RunAsync("--advertised-address", "10.1.2.3", "--silo-port", "0", "--gateway-port", "0");

        Assert.Equal(1, exitCode);
        Assert.Contains("--advertised-address needs --postgres", FailureLine(output));
    }

    [Fact]
    public async Task A_limit_out_of_range_is_named()
    {
        var (exitCode, output) = await RunAsync("--MachineGrid:Limits:MaxConcurrentSubmissions", "0", "--silo-port", "0", "--gateway-port", "0");

        Assert.Equal(1, exitCode);
        Assert.Contains("MachineGrid:Limits:MaxConcurrentSubmissions must be at least 1.", FailureLine(output));
    }

    public void Dispose() => Directory.Delete(data, recursive: true);

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        SiloCommand.RunToExitAsync(data, ["--data", data, "--urls", "http://127.0.0.1:0", .. arguments]);

    private static string FailureLine(string output) =>
        output.Split('\n').SingleOrDefault(line => line.StartsWith(Failure, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No line starting '{Failure}'. Output:\n{output}");
}
