using System.Diagnostics;

namespace MachineGrid.TestSupport;

/// <summary>Finds the PostgreSQL server programs (initdb, pg_ctl) on this machine.</summary>
public static class PostgresBinaries
{
    /// <summary>The folder holding <c>initdb</c> and <c>pg_ctl</c>.</summary>
    /// <exception cref="InvalidOperationException">No PostgreSQL server is installed.</exception>
    public static string FindDirectory()
    {
        var candidates = new List<string>();
        if (BinDirFromPgConfig() is { } fromConfig)
        {
            candidates.Add(fromConfig);
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(VersionOf)
                .Select(version => Path.Combine(version, "bin")));
        }
        foreach (var candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "pg_ctl")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found via 'pg_config --bindir' or under /usr/lib/postgresql/*/bin. " +
            "Run ./test.sh, which installs them.");
    }

    private static string? BinDirFromPgConfig()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static int VersionOf(string directory) =>
        int.TryParse(Path.GetFileName(directory), out var version) ? version : 0;
}
