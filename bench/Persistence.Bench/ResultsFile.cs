using System.Globalization;

namespace MachineGrid.Persistence.Bench;

/// <summary>One row of docs/benchmarks.md; <paramref name="Conditions"/> is added to the machine cell (how busy it was).</summary>
internal sealed record ResultRow(string Figure, string Value, string Target, string? Conditions = null);

/// <summary>
/// docs/benchmarks.md: one table of figures, the latest measurement of each (no history). A row whose figure this run
/// measured again is replaced in place; new figures are added at the end of the table; other rows are left alone.
/// </summary>
internal static class ResultsFile
{
    private const string Header = "| figure | value | target | command | date | machine |";
    private const string Rule = "|---|---|---|---|---|---|";

    public static void Record(string path, IReadOnlyList<ResultRow> rows, string command)
    {
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var machine = Machine.Describe();
        var lines = File.Exists(path)
            ? [.. File.ReadAllLines(path)]
            : new List<string>
            {
                "# Benchmarks",
                "",
                "The latest measurement of each figure; a new run replaces its rows. Commands run from the repository root.",
                "",
                Header,
                Rule,
            };
        var headerAt = lines.FindIndex(line => line.Trim() == Header);
        if (headerAt < 0)
        {
            throw new InvalidOperationException($"{path} has no line '{Header}'; add the table header or move the file away.");
        }
        var end = headerAt + 1;
        while (end < lines.Count && lines[end].TrimStart().StartsWith('|'))
        {
            end++;
        }
        foreach (var row in rows)
        {
            var line = $"| {Cell(row.Figure)} | {Cell(row.Value)} | {Cell(row.Target)} | `{command}` | {date} | {Cell(row.Conditions is null ? machine : $"{machine}; {row.Conditions}")} |";
            var existing = lines.FindIndex(headerAt + 2, end - headerAt - 2, candidate => FigureOf(candidate) == Cell(row.Figure));
            if (existing >= 0)
            {
                lines[existing] = line;
            }
            else
            {
                lines.Insert(end++, line);
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllLines(path, lines);
        Console.WriteLine($"Recorded {rows.Count} rows in {path}.");
    }

    private static string FigureOf(string line)
    {
        var cells = line.Split('|');
        return cells.Length > 2 ? cells[1].Trim() : "";
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Trim();
}
