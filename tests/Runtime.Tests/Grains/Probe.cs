using System.Collections.Concurrent;

namespace MachineGrid.Runtime.Tests.Grains;

/// <summary>Records what test grains observe, keyed by the test's grain keys so parallel tests do not mix.</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Events = new();

    public static void Record(string key, string what) => Events.GetOrAdd(key, _ => new()).Enqueue(what);

    public static IReadOnlyList<string> Of(string key) => Events.TryGetValue(key, out var events) ? [.. events] : [];

    public static int Count(string key, string what) => Of(key).Count(e => e == what);

    public static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
