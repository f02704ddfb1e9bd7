using Spectre.Console;

namespace MachineGrid.Agent;

/// <summary>Shows the fleet's progress until stopped: a live line on a terminal, or a plain line every few seconds.</summary>
public static class ProgressReporter
{
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    /// <summary>Reports until <paramref name="cancellationToken"/> fires, then writes a final plain summary to <paramref name="output"/>.</summary>
    public static async Task RunAsync(FleetCounters counters, bool live, TextWriter output, CancellationToken cancellationToken)
    {
        var line = new ProgressLine(counters.Snapshot());
        if (live)
        {
            await AnsiConsole.Live(new Markup("starting…"))
                .AutoClear(true)
                .StartAsync(async context =>
                {
                    await EveryAsync(LiveInterval, () =>
                    {
                        var snapshot = counters.Snapshot();
                        line.Add(snapshot);
                        context.UpdateTarget(new Markup(line.Markup(snapshot)));
                    }, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        else
        {
            await EveryAsync(PlainInterval, () =>
            {
                var snapshot = counters.Snapshot();
                line.Add(snapshot);
                output.WriteLine(line.Plain(snapshot));
            }, cancellationToken).ConfigureAwait(false);
        }
        var last = counters.Snapshot();
        line.Add(last);
        output.WriteLine(line.Plain(last));
    }

    private static async Task EveryAsync(TimeSpan interval, Action tick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                tick();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
