using System.Globalization;

namespace MachineGrid.Persistence.Bench;

/// <summary>Switches of the form <c>--name value</c> after the subcommand; every one read is checked, none unknown is accepted.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> read = new(StringComparer.OrdinalIgnoreCase);

    public Arguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'.");
            }
            values[args[i][2..]] = args[++i];
        }
    }

    public int Number(string name, int fallback)
    {
        var text = Text(name, null);
        if (text is null)
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name} must be a positive whole number (got '{text}').");
    }

    public int[] Numbers(string name, params int[] fallback)
    {
        var text = Text(name, null);
        return text is null
            ? fallback
            : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
                int.TryParse(part, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value > 0
                    ? value
                    : throw new ArgumentException($"--{name} takes positive whole numbers separated by commas (got '{text}')."))];
    }

    public string[] Choices(string name, string[] allowed, params string[] fallback)
    {
        var text = Text(name, null);
        if (text is null)
        {
            return fallback;
        }
        var chosen = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part => part.ToLowerInvariant()).Distinct().ToArray();
        var wrong = chosen.FirstOrDefault(part => !allowed.Contains(part));
        return wrong is null && chosen.Length > 0
            ? chosen
            : throw new ArgumentException($"--{name} takes {string.Join(", ", allowed)}, separated by commas (got '{text}').");
    }

    public string? Text(string name, string? fallback)
    {
        read.Add(name);
        return values.GetValueOrDefault(name, fallback!);
    }

    /// <summary>Throws for a switch no one read: a misspelt flag must not silently run the defaults.</summary>
    public void CheckAllRead()
    {
        var unknown = values.Keys.Where(key => !read.Contains(key)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown switch {string.Join(", ", unknown.Select(key => "--" + key))}.");
        }
    }

    /// <summary>The switches as given, for the command column (without <c>--record</c>, which only says where results go).</summary>
    public string Describe() => string.Join(' ', values.Where(pair => !pair.Key.Equals("record", StringComparison.OrdinalIgnoreCase)).Select(pair => $"--{pair.Key} {pair.Value}"));
}
