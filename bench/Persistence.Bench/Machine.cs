using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MachineGrid.Persistence.Bench;

/// <summary>The machine a run was measured on, for the results table.</summary>
internal static class Machine
{
    /// <summary>How busy the machine was, for a row measured while other processes ran: percent of one core, as top shows it.</summary>
    public static string Busy(double machinePercent) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CPU {machinePercent:F0}% of {Environment.ProcessorCount * 100}% busy while measured");

    public static string Describe()
    {
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription;
        var sdk = SdkVersion();
        return $"{Environment.ProcessorCount} cores (nproc {Environment.ProcessorCount}), kernel {kernel}, {RuntimeInformation.FrameworkDescription}{(sdk is null ? "" : $" (SDK {sdk})")}";
    }

    private static string? SdkVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
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
}
