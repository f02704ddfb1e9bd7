using System.Globalization;

namespace MachineGrid.Gateway.Tests;

/// <summary>A scrape in Prometheus' text format, read as series: <c>name{labels} value</c> lines, comments skipped.</summary>
public sealed class PrometheusText(string body)
{
    /// <summary>The scraped text.</summary>
    public string Body { get; } = body;

    /// <summary>Every series of the scrape.</summary>
    public IEnumerable<(string Name, string Labels, double Value)> All =>
        Body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(Parse);

    /// <summary>Every series of the metric, as its label text and value.</summary>
    public IReadOnlyList<(string Labels, double Value)> Series(string name) =>
        [.. All.Where(series => series.Name == name).Select(series => (series.Labels, series.Value))];

    /// <summary>The sum of the metric's series that carry the label (all of them when none is given); 0 when there are none.</summary>
    public double Sum(string name, string? label = null) =>
        Series(name).Where(series => label is null || series.Labels.Contains(label, StringComparison.Ordinal)).Sum(series => series.Value);

    private static (string Name, string Labels, double Value) Parse(string line)
    {
        var labelsStart = line.IndexOf('{', StringComparison.Ordinal);
        var labelsEnd = line.LastIndexOf('}');
        var valueStart = labelsStart < 0 ? line.IndexOf(' ', StringComparison.Ordinal) : labelsEnd + 1;
        var name = labelsStart < 0 ? line[..valueStart] : line[..labelsStart];
        var labels = labelsStart < 0 ? "" : line[(labelsStart + 1)..labelsEnd];
        // A sample may end with a timestamp after its value.
        var value = line[valueStart..].Trim().Split(' ')[0];
        return (name, labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
