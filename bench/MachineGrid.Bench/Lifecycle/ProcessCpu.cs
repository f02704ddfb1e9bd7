using System.Globalization;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>CPU time used so far by processes, read from <c>/proc</c> (user + system), for the cost of each part of a run.</summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>CPU seconds of one process; 0 once it is gone.</summary>
    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU seconds of every process whose command is <paramref name="command"/> (e.g. <c>postgres</c>).</summary>
    public static double SecondsOfCommand(string command)
    {
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && ReadCommand(directory) == command)
            {
                total += Seconds(pid);
            }
        }
        return total;
    }

    private static string? ReadCommand(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, "comm")).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
