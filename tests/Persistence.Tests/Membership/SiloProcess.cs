using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Tests.Membership;

/// <summary>
/// A silo in a process of its own, so that a test can kill it for real (SIGKILL): a silo in the test process cannot
/// die silently, because disposing its host stops the silo, which then marks its own row Dead.
/// <para>
/// The child is <c>dotnet exec</c> of this test assembly with the assembly also named as its startup hook
/// (<c>DOTNET_STARTUP_HOOKS</c>); the hook finds its settings in an environment variable, starts the silo and never
/// returns. The child ends itself when its standard input closes, so it cannot outlive the test process.
/// </para>
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    public const string SettingsVariable = "MACHINEGRID_MEMBERSHIP_TEST_SILO";
    private const string StartedLine = "silo started: ";

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<SiloAddress> started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process)
    {
        this.process = process;
    }

    /// <summary>Everything the child wrote, for a failure message.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<(SiloProcess Silo, SiloAddress Address)> StartAsync(SiloSettings settings, TimeSpan limit)
    {
        var assembly = typeof(SiloProcess).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { "exec", assembly },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["DOTNET_STARTUP_HOOKS"] = assembly,
                [SettingsVariable] = JsonSerializer.Serialize(settings),
            },
        };
        var silo = new SiloProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        silo.process.OutputDataReceived += (_, line) => silo.Record(line.Data);
        silo.process.ErrorDataReceived += (_, line) => silo.Record(line.Data);
        silo.process.Exited += (_, _) => silo.started.TrySetException(new InvalidOperationException($"The silo process exited before it started. Its output:\n{silo.Output}"));
        silo.process.Start();
        silo.process.BeginOutputReadLine();
        silo.process.BeginErrorReadLine();
        try
        {
            return (silo, await silo.started.Task.WaitAsync(limit));
        }
        catch (TimeoutException)
        {
            await silo.DisposeAsync();
            throw new TimeoutException($"The silo process did not start within {limit.TotalSeconds:F0} s. Its output:\n{silo.Output}");
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: the silo gets no chance to run any code, its sockets are closed by the kernel.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }
        process.Dispose();
    }

    /// <summary>Runs in the child, from the startup hook: starts the silo, reports its address, and waits for stdin to close.</summary>
    internal static void RunChild(string settingsJson)
    {
        try
        {
            var settings = JsonSerializer.Deserialize<SiloSettings>(settingsJson)
                ?? throw new InvalidOperationException($"{SettingsVariable} holds no settings.");
            var host = settings.BuildHost();
            host.StartAsync().GetAwaiter().GetResult();
            Console.Out.WriteLine(StartedLine + host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString());
            Console.Out.Flush();
            while (Console.In.ReadLine() is not null)
            {
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine(ex);
        }
        Process.GetCurrentProcess().Kill();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
        if (line.StartsWith(StartedLine, StringComparison.Ordinal))
        {
            started.TrySetResult(SiloAddress.FromParsableString(line[StartedLine.Length..]));
        }
    }
}
