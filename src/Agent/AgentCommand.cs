using System.CommandLine;
using System.CommandLine.Parsing;
using MachineGrid.Client;

namespace MachineGrid.Agent;

/// <summary>The command line of the reference agent and fleet simulator.</summary>
public static class AgentCommand
{
    private static readonly Option<Uri[]> Gateways = new("--gateway")
    {
        Description = "The gateway's root URL; or several gateways of one cluster, comma-separated: agents move to the next one when theirs cannot be reached.",
        DefaultValueFactory = _ => [new Uri("http://localhost:5080")],
        CustomParser = result =>
        {
            var texts = result.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var uris = texts.Select(text => Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>().ToArray();
            return uris.Length > 0 && uris.Length == texts.Length ? uris : Fail<Uri[]>(result, "--gateway must be an absolute URL, or several separated by commas.");
        },
    };

    private static readonly Option<string?> Key = new("--key") { Description = "A user API key (EnvironmentMaker, MachineOwner or EnvironmentAdmin) to register machines and join them to the group." };
    private static readonly Option<int?> Machines = new("--machines") { Description = "How many machines to simulate (default: as many as --machine-keys lists, else 1)." };
    private static readonly Option<string?> MachineKeys = new("--machine-keys") { Description = "File of machine keys to reuse; machines this run registers are written to it." };
    private static readonly Option<string?> Group = new("--group") { Description = "Join the machines to this group (by name); it is created when missing." };
    private static readonly Option<string?> GroupPassword = new("--group-password") { Description = "The group's join password (set on a group this run creates)." };
    private static readonly Option<TimeSpan> FlowDuration = DurationOption("--flow-duration", "How long each flow \"runs\" (e.g. 2s, 250ms).", TimeSpan.FromSeconds(2));
    private static readonly Option<string[]> Commands = new("--command") { Description = "Run a flow with a shell command: \"flowId=cmd args\" (repeatable; flowId * matches any flow). Exit code 0 succeeds." };
    private static readonly Option<MachineKind> Kind = new("--kind") { Description = "Desktop or Server.", DefaultValueFactory = _ => MachineKind.Desktop };
    private static readonly Option<int> Sessions = new("--sessions") { Description = "Sessions per server (runs at once).", DefaultValueFactory = _ => 1 };
    private static readonly Option<string?> Users = new("--users") { Description = "Users signed in on every machine, comma-separated (for attended runs)." };
    private static readonly Option<string?> FailingUsers = new("--failing-users") { Description = "Usernames whose sign-in fails, comma-separated: their runs report a credential failure and fail." };
    private static readonly Option<string?> NamePrefix = new("--name-prefix") { Description = "Registered machines are named PREFIX-001, PREFIX-002, ..." };
    private static readonly Option<TimeSpan> HeartbeatInterval = DurationOption("--heartbeat-interval", "Time between heartbeats.", TimeSpan.FromSeconds(10));
    private static readonly Option<int> WaitSeconds = new("--wait-seconds") { Description = "Long-poll wait of each assignment request (0-60).", DefaultValueFactory = _ => 20 };
    private static readonly Option<bool> NoProgress = new("--no-progress") { Description = "Print a plain progress line every few seconds instead of the live line." };

    static AgentCommand()
    {
        Machines.Validators.Add(result => Require(result, result.GetValueOrDefault<int?>() is null or (>= 1 and <= 10_000), "--machines must be 1 to 10000."));
        Sessions.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= 100, "--sessions must be 1 to 100."));
        WaitSeconds.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 0 and <= 60, "--wait-seconds must be 0 to 60."));
        Commands.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                Require(result, FlowCommand.TryParse(token.Value, out _), $"--command '{token.Value}' must look like flowId=command.");
            }
        });
    }

    /// <summary>The root command; its action runs the fleet.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("MachineGrid reference agent and fleet simulator: registers machines, joins them to a group, and runs the flows assigned to them.")
        {
            Gateways, Key, Machines, MachineKeys, Group, GroupPassword, FlowDuration, Commands, Kind, Sessions, Users, FailingUsers,
            NamePrefix, HeartbeatInterval, WaitSeconds, NoProgress,
        };
        root.SetAction((parse, cancellationToken) => Fleet.RunAsync(Read(parse), Console.Out, Console.Error, cancellationToken));
        return root;
    }

    /// <summary>The fleet options a parsed command line describes.</summary>
    public static FleetOptions Read(ParseResult parse) => new()
    {
        Gateway = parse.GetRequiredValue(Gateways)[0],
        FallbackGateways = parse.GetRequiredValue(Gateways)[1..],
        UserKey = parse.GetValue(Key) ?? NullIfEmpty(Environment.GetEnvironmentVariable("MACHINEGRID_KEY")),
        Machines = parse.GetValue(Machines),
        MachineKeysFile = parse.GetValue(MachineKeys),
        GroupName = parse.GetValue(Group),
        GroupPassword = parse.GetValue(GroupPassword),
        FlowDuration = parse.GetValue(FlowDuration),
        Commands = [.. (parse.GetValue(Commands) ?? []).Select(text => FlowCommand.TryParse(text, out var command) ? command! : throw new InvalidOperationException(text))],
        Kind = parse.GetValue(Kind),
        Sessions = parse.GetValue(Sessions),
        SignedInUsers = List(parse.GetValue(Users)),
        FailingUsers = List(parse.GetValue(FailingUsers)),
        NamePrefix = parse.GetValue(NamePrefix) ?? "sim-" + Guid.NewGuid().ToString("N")[..6],
        HeartbeatInterval = parse.GetValue(HeartbeatInterval),
        AssignmentWait = TimeSpan.FromSeconds(parse.GetValue(WaitSeconds)),
        LiveProgress = !parse.GetValue(NoProgress) && !Console.IsOutputRedirected,
    };

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Duration.TryParse(result.Tokens[0].Value, out var duration) ? duration : Fail<TimeSpan>(result, $"{name} must be a duration such as 2s, 250ms or 1m."),
    };

    private static T Fail<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    private static void Require(SymbolResult result, bool condition, string message)
    {
        if (!condition)
        {
            result.AddError(message);
        }
    }

    private static IReadOnlyList<string> List(string? commaSeparated) =>
        commaSeparated?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
