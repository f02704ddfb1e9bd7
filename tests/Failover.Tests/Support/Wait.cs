using System.Diagnostics;
using Xunit.Sdk;

namespace MachineGrid.Failover.Tests;

/// <summary>
/// Waits for a condition of the cluster, with a limit chosen per condition: a membership change or a reminder tick takes
/// far longer than the 15 s of <see cref="Eventually"/>. A condition that fails to reach a gateway counts as not yet true.
/// </summary>
internal static class Wait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test after <paramref name="limit"/>, saying what <paramref name="describe"/> finds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan limit, Func<string>? describe = null)
    {
        var waited = Stopwatch.StartNew();
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or MachineGridException or TaskCanceledException)
            {
                lastError = e;
            }
            if (waited.Elapsed > limit)
            {
                throw new XunitException($"Timed out after {limit.TotalSeconds:0} s waiting until {what}." + (lastError is null ? "" : $" Last error: {lastError.Message}") + (describe is null ? "" : " " + describe()));
            }
            await Task.Delay(PollInterval);
        }
    }
}
