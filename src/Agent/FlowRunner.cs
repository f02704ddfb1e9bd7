using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MachineGrid.Client;

namespace MachineGrid.Agent;

/// <summary>
/// "Runs" a flow: waits the configured duration, or runs the configured shell command for the flow id (exit code 0 succeeds;
/// stdout becomes the outputs, as JSON when it parses, else as a string). Commands get the run in environment variables
/// (<c>MACHINEGRID_RUN_ID</c>, <c>MACHINEGRID_FLOW_ID</c>, <c>MACHINEGRID_RUN_MODE</c>, <c>MACHINEGRID_USERNAME</c>, <c>MACHINEGRID_INPUTS</c>),
/// never the secret.
/// </summary>
public sealed class FlowRunner
{
    private const int MaxCapturedChars = 64 * 1024;
    private const int MaxErrorChars = 1000;
    private readonly TimeSpan duration;
    private readonly Dictionary<string, string> commands;

    /// <summary>Flows wait <paramref name="duration"/> unless <paramref name="commands"/> has one for their flow id (or <c>*</c>).</summary>
    public FlowRunner(TimeSpan duration, IEnumerable<FlowCommand>? commands = null)
    {
        this.duration = duration;
        this.commands = (commands ?? []).ToDictionary(c => c.FlowId, c => c.CommandLine, StringComparer.Ordinal);
    }

    /// <summary>Runs the assigned flow; a flow still running at the run deadline is stopped and fails.</summary>
    public async Task<FlowResult> RunAsync(AgentAssignment assignment, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (assignment.RunDeadline is { } runDeadline)
        {
            var left = runDeadline - DateTimeOffset.UtcNow;
            deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        try
        {
            if (commands.TryGetValue(assignment.FlowId, out var commandLine) || commands.TryGetValue(FlowCommand.AnyFlow, out commandLine))
            {
                return await RunCommandAsync(commandLine, assignment, deadline.Token).ConfigureAwait(false);
            }
            if (duration > TimeSpan.Zero)
            {
                await Task.Delay(duration, deadline.Token).ConfigureAwait(false);
            }
            return FlowResult.Succeeded;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return FlowResult.Failed("The flow was still running at the run deadline.");
        }
    }

    private static async Task<FlowResult> RunCommandAsync(string commandLine, AgentAssignment assignment, CancellationToken cancellationToken)
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", commandLine } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", commandLine } };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["MACHINEGRID_RUN_ID"] = assignment.RunId;
        start.Environment["MACHINEGRID_FLOW_ID"] = assignment.FlowId;
        start.Environment["MACHINEGRID_RUN_MODE"] = assignment.RunMode.ToString();
        start.Environment["MACHINEGRID_USERNAME"] = assignment.Credential?.Username ?? "";
        start.Environment["MACHINEGRID_INPUTS"] = assignment.Inputs?.GetRawText() ?? "";

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return FlowResult.Failed($"Could not start '{commandLine}': {e.Message}");
        }
        var stdout = ReadCappedAsync(process.StandardOutput);
        var stderr = ReadCappedAsync(process.StandardError);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = (await stdout.ConfigureAwait(false)).Trim();
        var errors = (await stderr.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0)
        {
            var tail = errors.Length > MaxErrorChars ? errors[^MaxErrorChars..] : errors;
            return FlowResult.Failed(tail.Length == 0 ? $"Exit code {process.ExitCode}." : $"Exit code {process.ExitCode}: {tail}");
        }
        return new FlowResult(CompletionStatus.Succeeded, output.Length == 0 ? null : AsJson(output));
    }

    private static JsonElement AsJson(string output)
    {
        try
        {
            return JsonSerializer.Deserialize(output, MachineGridJsonContext.Default.JsonElement);
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(output, AgentJsonContext.Default.String);
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = MaxCapturedChars - text.Length;
            if (room > 0)
            {
                text.Append(buffer, 0, Math.Min(room, read));
            }
        }
        return text.ToString();
    }
}
