using MachineGrid.Client;

namespace MachineGrid.Agent;

/// <summary>What the fleet simulator was asked to do, from the command line.</summary>
public sealed record FleetOptions
{
    /// <summary>The gateway's root URL.</summary>
    public required Uri Gateway { get; init; }

    /// <summary>Other gateways of the same cluster, tried in turn when the current one cannot be reached.</summary>
    public IReadOnlyList<Uri> FallbackGateways { get; init; } = [];

    /// <summary>A user API key: registers machines, finds or creates the group and joins machines to it.</summary>
    public string? UserKey { get; init; }

    /// <summary>How many machines to simulate; null means as many as the key file lists (or 1).</summary>
    public int? Machines { get; init; }

    /// <summary>A file of machine keys to reuse; machines registered by this run are written to it.</summary>
    public string? MachineKeysFile { get; init; }

    /// <summary>The group the machines join, by name; created when missing.</summary>
    public string? GroupName { get; init; }

    /// <summary>The group's join password (also set on a group this run creates).</summary>
    public string? GroupPassword { get; init; }

    /// <summary>How long a flow "runs" when no command is configured for it.</summary>
    public TimeSpan FlowDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Commands that run flows, by flow id.</summary>
    public IReadOnlyList<FlowCommand> Commands { get; init; } = [];

    /// <summary>The kind of machine registered.</summary>
    public MachineKind Kind { get; init; } = MachineKind.Desktop;

    /// <summary>Sessions per machine (a server's session limit; desktops run one).</summary>
    public int Sessions { get; init; } = 1;

    /// <summary>Users signed in on every machine, reported in heartbeats.</summary>
    public IReadOnlyList<string> SignedInUsers { get; init; } = [];

    /// <summary>Usernames whose sign-in fails on every machine.</summary>
    public IReadOnlyList<string> FailingUsers { get; init; } = [];

    /// <summary>Registered machines are named <c>{prefix}-001</c>, <c>{prefix}-002</c>, ...</summary>
    public string NamePrefix { get; init; } = "sim-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>Time between heartbeats.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long each assignment long-poll waits.</summary>
    public TimeSpan AssignmentWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Show the live progress line; otherwise a plain line every few seconds.</summary>
    public bool LiveProgress { get; init; } = true;

    /// <summary>The machines' concurrency: the session count for servers, 1 for desktops.</summary>
    public int MaxConcurrentRuns => Kind == MachineKind.Server ? Math.Max(1, Sessions) : 1;
}
