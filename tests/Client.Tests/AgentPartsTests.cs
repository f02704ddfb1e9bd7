using System.Text.Json;
using MachineGrid.Agent;
using Xunit;

namespace MachineGrid.Client.Tests;

/// <summary>The agent's command line, key file and flow commands (real processes), without a gateway.</summary>
public sealed class AgentPartsTests
{
    [Theory]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("250ms", 250)]
    [InlineData("1m", 60_000)]
    [InlineData("3", 3000)]
    [InlineData("0", 0)]
    [InlineData("00:00:04", 4000)]
    public void Durations_parse(string text, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1s")]
    [InlineData("two seconds")]
    [InlineData("5x")]
    public void Bad_durations_are_refused(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void The_command_line_becomes_fleet_options()
    {
        var parse = AgentCommand.Create().Parse([
            "--gateway", "http://127.0.0.1:5999", "--key", "mgk_k", "--machines", "50", "--group", "ops", "--group-password", "pw",
            "--flow-duration", "250ms", "--kind", "Server", "--sessions", "3", "--users", "alice, bob", "--command", "invoice=./run.sh --fast",
            "--no-progress"]);

        Assert.Empty(parse.Errors);
        var options = AgentCommand.Read(parse);
        Assert.Equal(new Uri("http://127.0.0.1:5999"), options.Gateway);
        Assert.Equal("mgk_k", options.UserKey);
        Assert.Equal(50, options.Machines);
        Assert.Equal("ops", options.GroupName);
        Assert.Equal("pw", options.GroupPassword);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.FlowDuration);
        Assert.Equal(MachineKind.Server, options.Kind);
        Assert.Equal(3, options.MaxConcurrentRuns);
        Assert.Equal(["alice", "bob"], options.SignedInUsers);
        Assert.Equal([new FlowCommand("invoice", "./run.sh --fast")], options.Commands);
        Assert.False(options.LiveProgress);
    }

    [Fact]
    public void Bad_options_are_parse_errors()
    {
        var parse = AgentCommand.Create().Parse(["--machines", "0", "--flow-duration", "soon", "--command", "no-equals-sign", "--wait-seconds", "61"]);

        Assert.Equal(4, parse.Errors.Count);
    }

    [Fact]
    public void A_desktop_runs_one_flow_at_a_time_whatever_the_sessions()
    {
        var options = AgentCommand.Read(AgentCommand.Create().Parse(["--sessions", "4"]));

        Assert.Equal(1, options.MaxConcurrentRuns);
    }

    [Fact]
    public async Task The_key_file_round_trips_and_accepts_bare_keys()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mg-keys-{Guid.NewGuid():N}.txt");
        try
        {
            MachineIdentity[] written = [new("mk.m-1.aaa", "fp-1", "sim-001"), new("mk.m-2.bbb", "fp-2", "sim-002")];
            await MachineKeyFile.WriteAsync(path, written, CancellationToken.None);
            await File.AppendAllTextAsync(path, "\n# a comment\nmk.m-3.ccc\n");

            var read = await MachineKeyFile.ReadAsync(path, CancellationToken.None);

            Assert.Equal([.. written, new MachineIdentity("mk.m-3.ccc", "sim-m-3")], read);
            Assert.Empty(await MachineKeyFile.ReadAsync(path + ".missing", CancellationToken.None));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_flow_command_gets_the_run_and_its_stdout_becomes_the_outputs()
    {
        var runner = new FlowRunner(TimeSpan.FromHours(1), [new FlowCommand("report", """printf '{"run":"%s","user":"%s","inputs":%s}' "$MACHINEGRID_RUN_ID" "$MACHINEGRID_USERNAME" "$MACHINEGRID_INPUTS" """)]);

        var result = await runner.RunAsync(Assignment("report", inputs: """{"n":5}"""), CancellationToken.None);

        Assert.Equal(CompletionStatus.Succeeded, result.Status);
        Assert.Equal("r-1", result.Outputs!.Value.GetProperty("run").GetString());
        Assert.Equal("svc", result.Outputs!.Value.GetProperty("user").GetString());
        Assert.Equal(5, result.Outputs!.Value.GetProperty("inputs").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task A_command_that_exits_non_zero_fails_the_flow_with_its_stderr()
    {
        var runner = new FlowRunner(TimeSpan.Zero, [new FlowCommand(FlowCommand.AnyFlow, "echo not today >&2; exit 3")]);

        var result = await runner.RunAsync(Assignment("anything"), CancellationToken.None);

        Assert.Equal(CompletionStatus.Failed, result.Status);
        Assert.Equal("Exit code 3: not today", result.Error);
    }

    [Fact]
    public async Task Plain_text_output_becomes_a_json_string()
    {
        var runner = new FlowRunner(TimeSpan.Zero, [new FlowCommand("hello", "echo hello world")]);

        var result = await runner.RunAsync(Assignment("hello"), CancellationToken.None);

        Assert.Equal("hello world", result.Outputs!.Value.GetString());
    }

    [Fact]
    public async Task A_flow_still_running_at_the_run_deadline_fails()
    {
        var runner = new FlowRunner(TimeSpan.Zero, [new FlowCommand("slow", "sleep 30")]);

        var started = DateTimeOffset.UtcNow;
        var result = await runner.RunAsync(Assignment("slow", deadline: DateTimeOffset.UtcNow.AddMilliseconds(300)), CancellationToken.None);

        Assert.Equal(CompletionStatus.Failed, result.Status);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Without_a_command_a_flow_waits_the_duration_and_succeeds()
    {
        var runner = new FlowRunner(TimeSpan.FromMilliseconds(100));

        var started = DateTimeOffset.UtcNow;
        var result = await runner.RunAsync(Assignment("any"), CancellationToken.None);

        Assert.Equal(FlowResult.Succeeded, result);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(90));
    }

    private static AgentAssignment Assignment(string flowId, string? inputs = null, DateTimeOffset? deadline = null) => new(
        "r-1", flowId, inputs is null ? null : JsonDocument.Parse(inputs).RootElement.Clone(), RunMode.Unattended,
        new AssignmentCredential("svc", "hunter2"), deadline ?? DateTimeOffset.UtcNow.AddHours(1));
}
