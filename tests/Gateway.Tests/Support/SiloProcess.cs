using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// The real silo program (<c>src/Silo</c>, copied beside the tests) in its own process, started as
/// <c>dotnet MachineGrid.Silo.dll &lt;arguments&gt;</c> with <c>--silo-port 0 --gateway-port 0 --urls http://127.0.0.1:0</c>; the address comes from its
/// "Now listening on" line. Stopping sends SIGTERM, as a service manager would; disposing kills it if it still runs.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly ConcurrentQueue<string> output;

    private SiloProcess(Process process, ConcurrentQueue<string> output, Uri address)
    {
        this.process = process;
        this.output = output;
        Address = address;
    }

    /// <summary>The gateway's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The operating system's id of the silo process.</summary>
    public int ProcessId => process.Id;

    /// <summary>Every line the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', output);

    /// <summary>Starts the silo with the command-line arguments and environment variables; returns once it listens.</summary>
    public static async Task<SiloProcess> StartAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MachineGrid.Silo.dll"));
        // Free silo and gateway ports unless the caller chose them (by switch or variable), so silos started side by side (and by parallel tests)
        // do not collide.
        var given = arguments.ToList();
        var defaults = new List<string>();
        foreach (var (port, key) in new[] { ("--silo-port", "MACHINEGRID__SILOPORT"), ("--gateway-port", "MACHINEGRID__GATEWAYPORT") })
        {
            if (!given.Contains(port) && !environment.Keys.Any(name => string.Equals(name, key, StringComparison.OrdinalIgnoreCase)))
            {
                defaults.AddRange([port, "0"]);
            }
        }
        foreach (var argument in given.Concat(defaults).Concat(["--urls", "http://127.0.0.1:0"]))
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var variable in new[] { "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_HTTP_PORTS" })
        {
            info.Environment.Remove(variable);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }
            output.Enqueue(line);
            const string Marker = "Now listening on: ";
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + Marker.Length)..].Trim().TrimEnd('/') + "/"));
            }
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The silo exited before it listened."));
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {info.FileName}.");
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(StartTimeout);
            return new SiloProcess(process, output, address);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Kill(process);
            if (process.HasExited)
            {
                process.WaitForExit(); // The rest of its output.
            }
            process.Dispose();
            throw new InvalidOperationException($"The silo did not start: {e.Message} Output:\n{string.Join('\n', output)}", e);
        }
    }

    /// <summary>An HTTP client for the gateway, with a bearer key when given.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    /// <summary>Asks the silo to stop (SIGTERM) and waits until it has; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("Could not run kill.");
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                throw new InvalidOperationException($"The silo did not stop within {StopTimeout} of SIGTERM. Output:\n{Output}");
            }
        }
        return process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL) with no chance to flush or stop anything, as a crash would.</summary>
    public void Crash() => Kill(process);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill(process);
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The dotnet host running these tests, so the silo runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }
        return "dotnet";
    }
}
