using System.Globalization;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>Command-line switches of the form <c>--name value</c> (or a bare <c>--flag</c>).</summary>
public sealed class BenchArguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses the switches after the subcommand.</summary>
    public BenchArguments(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    values[pending] = "true";
                }
                pending = arg[2..];
            }
            else if (pending is not null)
            {
                values[pending] = arg;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }
        if (pending is not null)
        {
            values[pending] = "true";
        }
    }

    /// <summary>A text switch, or <paramref name="fallback"/> when absent.</summary>
    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    /// <summary>A text switch, or null when absent.</summary>
    public string? Optional(string name) => values.GetValueOrDefault(name);

    /// <summary>An integer switch, or <paramref name="fallback"/> when absent.</summary>
    public int Number(string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Whether a flag is present (and not "false").</summary>
    public bool Flag(string name) => values.TryGetValue(name, out var text) && text != "false";

    /// <summary>One of the allowed values.</summary>
    public string Choice(string name, string fallback, params string[] allowed)
    {
        var value = Text(name, fallback);
        return allowed.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? value.ToLowerInvariant()
            : throw new ArgumentException($"--{name} must be one of {string.Join(", ", allowed)} (got '{value}').");
    }
}
