using Spectre.Console;

namespace MachineGrid.Agent;

/// <summary>Formats the fleet's progress: counts, the recent completion rate and the average since the start.</summary>
public sealed class ProgressLine
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);
    private const int MaxErrorChars = 100;
    private readonly Queue<FleetSnapshot> recent = new();
    private readonly FleetSnapshot first;

    /// <summary>Starts measuring rates from <paramref name="start"/>.</summary>
    public ProgressLine(FleetSnapshot start)
    {
        first = start;
        recent.Enqueue(start);
    }

    /// <summary>Records a new snapshot for the rates.</summary>
    public void Add(FleetSnapshot snapshot)
    {
        recent.Enqueue(snapshot);
        while (recent.Count > 2 && snapshot.At - recent.Peek().At > RateWindow)
        {
            recent.Dequeue();
        }
    }

    /// <summary>Completions per second over the last few seconds.</summary>
    public double CurrentRate(FleetSnapshot now) => Rate(recent.Peek(), now);

    /// <summary>Completions per second since the start.</summary>
    public double AverageRate(FleetSnapshot now) => Rate(first, now);

    /// <summary>The progress as plain text.</summary>
    public string Plain(FleetSnapshot s)
    {
        var line = FormattableString.Invariant(
            $"{s.At.ToLocalTime():HH:mm:ss} machines {s.Online}/{s.Machines} online | assigned {s.Assigned} | running {s.Running} | completed {s.Completed} (failed {s.Failed}) | {CurrentRate(s):F1}/s now, {AverageRate(s):F1}/s avg | errors {s.Errors}");
        return s.LastError is null ? line : $"{line} (last: {Truncate(s.LastError)})";
    }

    /// <summary>
    /// The progress as Spectre.Console markup: always two lines (the second is the last error or a hint), because
    /// Spectre.Console 0.49's live display redraws a one-line target in the wrong place.
    /// </summary>
    public string Markup(FleetSnapshot s)
    {
        var failedColor = s.Failed > 0 ? "red" : "grey";
        var errorColor = s.Errors > 0 ? "red" : "grey";
        var line = FormattableString.Invariant(
            $"[bold]{s.Online}[/]/{s.Machines} online  assigned [bold]{s.Assigned}[/]  running [yellow]{s.Running}[/]  completed [green]{s.Completed}[/] failed [{failedColor}]{s.Failed}[/]  [bold]{CurrentRate(s):F1}/s[/] (avg {AverageRate(s):F1}/s)  errors [{errorColor}]{s.Errors}[/]");
        var second = s.LastError is null ? "Ctrl+C stops" : $"last error: {Spectre.Console.Markup.Escape(Truncate(s.LastError))}";
        return $"{line}\n[grey]{second}[/]";
    }

    private static double Rate(FleetSnapshot from, FleetSnapshot to)
    {
        var seconds = (to.At - from.At).TotalSeconds;
        return seconds <= 0 ? 0 : (to.Completed - from.Completed) / seconds;
    }

    private static string Truncate(string text) => text.Length <= MaxErrorChars ? text : text[..MaxErrorChars] + "…";
}
