using System.Globalization;

namespace MachineGrid.Agent;

/// <summary>Parses durations written as <c>2s</c>, <c>1.5s</c>, <c>250ms</c>, <c>1m</c>, <c>1h</c>, a plain number of seconds, or <c>hh:mm:ss</c>.</summary>
public static class Duration
{
    private static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    /// <summary>Parses <paramref name="text"/>; false when it is not a non-negative duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var value = text.Trim();
        if (value.Contains(':') && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration))
        {
            return duration >= TimeSpan.Zero;
        }
        var scale = 1.0;
        foreach (var (suffix, seconds) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                value = value[..^suffix.Length];
                scale = seconds;
                break;
            }
        }
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || double.IsInfinity(number))
        {
            return false;
        }
        duration = TimeSpan.FromSeconds(number * scale);
        return true;
    }
}
