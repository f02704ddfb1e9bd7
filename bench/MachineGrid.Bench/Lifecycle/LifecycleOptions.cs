namespace MachineGrid.Bench.Lifecycle;

/// <summary>What the lifecycle and burst scenarios run.</summary>
/// <param name="Mode"><c>inproc</c> (an Orleans silo in this process, grains called through its cluster client), <c>http</c> (over the REST gateway on Kestrel) or <c>baseline</c> (a plain PostgreSQL queue table, no grid).</param>
/// <param name="Storage"><c>sqlite</c> or <c>postgres</c>.</param>
/// <param name="Postgres">A PostgreSQL connection string; when null with postgres storage a throwaway server is started.</param>
/// <param name="Groups">Machine groups.</param>
/// <param name="MachinesPerGroup">Machines per group (each with its own credential through the group's mapping).</param>
/// <param name="Sessions">Sessions per machine: 1 is a desktop machine, more a server machine.</param>
/// <param name="Runs">Measured lifecycles.</param>
/// <param name="Warmup">Lifecycles run first and not measured.</param>
/// <param name="Concurrency">Lifecycles in flight at once (each submitter waits for its run to complete before the next).</param>
/// <param name="Profile">Also count grain calls per grain type (an incoming call filter on the silo) and sample allocations by type.</param>
/// <param name="KeepData">Leave the data folder (SQLite file) behind for inspection.</param>
/// <param name="FlowMs">How long an in-process agent runs each flow (between start and complete); 0 completes at once.</param>
/// <param name="PollMs">Baseline only: idle machines poll every this many ms instead of waiting for a NOTIFY; 0 uses NOTIFY.</param>
/// <param name="Silos">Cluster only: silo processes on one PostgreSQL database; agents and submitters are spread over their gateways.</param>
public sealed record LifecycleOptions(
    string Mode,
    string Storage,
    string? Postgres,
    int Groups,
    int MachinesPerGroup,
    int Sessions,
    int Runs,
    int Warmup,
    int Concurrency,
    bool Profile,
    bool KeepData,
    int FlowMs = 0,
    int PollMs = 0,
    int Silos = 1)
{
    /// <summary>Every machine of the fleet.</summary>
    public int Machines => Groups * MachinesPerGroup;

    /// <summary>The lifecycle scenario's options.</summary>
    public static LifecycleOptions ForLifecycle(BenchArguments args)
    {
        var groups = args.Number("groups", 20);
        var perGroup = args.Number("machines-per-group", 50);
        var sessions = args.Number("sessions", 1);
        var mode = args.Choice("mode", "inproc", "inproc", "http", "baseline", "cluster");
        return new LifecycleOptions(
            mode,
            mode is "baseline" or "cluster" ? args.Choice("storage", "postgres", "postgres") : args.Choice("storage", "sqlite", "sqlite", "postgres"),
            args.Optional("postgres"),
            groups,
            perGroup,
            sessions,
            args.Number("runs", 20_000),
            args.Number("warmup", 60_000),
            args.Number("concurrency", groups * perGroup * sessions),
            args.Flag("profile"),
            args.Flag("keep-data"),
            args.Number("flow-ms", 0),
            args.Number("poll-ms", 0),
            args.Number("silos", 1));
    }

    /// <summary>The burst scenario's options: one group, every run submitted at once.</summary>
    public static LifecycleOptions ForBurst(BenchArguments args) => new(
        args.Choice("mode", "inproc", "inproc"),
        args.Choice("storage", "sqlite", "sqlite", "postgres"),
        args.Optional("postgres"),
        1,
        args.Number("machines", 50),
        args.Number("sessions", 1),
        args.Number("runs", 1_000),
        args.Number("warmup", 60_000),
        0,
        args.Flag("profile"),
        args.Flag("keep-data"),
        args.Number("flow-ms", 0));
}
