using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Runtime;

namespace MachineGrid.Bench.Heap;

/// <summary>
/// <c>heap CORE [--top N]</c>: what a process's managed heap held when its core was taken (<c>createdump --full</c>).
/// Prints the objects reachable from the roots by generation and type, which are what a collection copies or keeps,
/// then the strings in gen0 (reachable or not) grouped by shape (hex runs and numbers masked), which shows what
/// code allocates text and how often.
/// </summary>
public static partial class HeapCensus
{
    /// <summary>Reads the core and prints the census.</summary>
    public static void Run(string corePath, int top)
    {
        using var target = DataTarget.LoadDump(corePath);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var heap = runtime.Heap;
        var live = Reachable(heap);
        PrintLiveByGeneration(heap, live, top);
        PrintOlderToYounger(heap, top);
        PrintGen0Strings(heap, top);
    }

    private static HashSet<ulong> Reachable(ClrHeap heap)
    {
        var live = new HashSet<ulong>();
        var pending = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
        {
            if (root.Object.Address != 0 && live.Add(root.Object.Address))
            {
                pending.Push(root.Object.Address);
            }
        }
        while (pending.TryPop(out var address))
        {
            var obj = heap.GetObject(address);
            if (!obj.IsValid)
            {
                continue;
            }
            foreach (var reference in obj.EnumerateReferences(carefully: false, considerDependantHandles: true))
            {
                if (live.Add(reference.Address))
                {
                    pending.Push(reference.Address);
                }
            }
        }
        return live;
    }

    private static void PrintLiveByGeneration(ClrHeap heap, HashSet<ulong> live, int top)
    {
        var tally = new Dictionary<(Generation Generation, string Type), (long Count, long Bytes)>();
        foreach (var obj in heap.EnumerateObjects())
        {
            if (obj.IsValid && !obj.IsFree && live.Contains(obj.Address))
            {
                var key = (GenerationOf(heap, obj.Address), obj.Type?.Name ?? "?");
                var (count, bytes) = tally.GetValueOrDefault(key);
                tally[key] = (count + 1, bytes + (long)obj.Size);
            }
        }
        foreach (var generation in tally.GroupBy(entry => entry.Key.Generation).OrderBy(group => group.Key))
        {
            Console.WriteLine($"live {generation.Key}: {generation.Sum(e => e.Value.Count):N0} objects, {generation.Sum(e => e.Value.Bytes) / 1048576.0:F1} MiB");
            foreach (var (key, (count, bytes)) in generation.OrderByDescending(e => e.Value.Bytes).Take(top))
            {
                Console.WriteLine($"  {bytes / 1024.0,10:N0} KiB {count,9:N0}  {key.Type}");
            }
        }
    }

    /// <summary>
    /// The references from older objects (gen1, gen2, large, pinned; live or not, as a collection cannot tell) to younger
    /// ones, by holding type: what the write barrier marked cards for, and what a gen0 or gen1 collection scans through
    /// them. A holder whose references reach only gen1 costs every gen0 collection its cards for nothing, and enough of
    /// those make the collector raise a gen0 collection to gen1.
    /// </summary>
    private static void PrintOlderToYounger(ClrHeap heap, int top)
    {
        var tally = new Dictionary<(string Holder, Generation Target), (long References, HashSet<ulong> Cards)>();
        foreach (var obj in heap.EnumerateObjects())
        {
            if (!obj.IsValid || obj.IsFree || !obj.ContainsPointers)
            {
                continue;
            }
            var holder = GenerationOf(heap, obj.Address);
            if (holder is not (Generation.Generation1 or Generation.Generation2 or Generation.Large or Generation.Pinned))
            {
                continue;
            }
            foreach (var reference in obj.EnumerateReferencesWithFields(carefully: false, considerDependantHandles: false))
            {
                var target = GenerationOf(heap, reference.Object.Address);
                if (target is Generation.Generation0 || (target is Generation.Generation1 && holder is not Generation.Generation1))
                {
                    var key = ($"{obj.Type?.Name ?? "?"} ({holder})", target);
                    if (!tally.TryGetValue(key, out var entry))
                    {
                        entry = (0, []);
                    }
                    entry.Cards.Add((obj.Address + (ulong)reference.Offset) >> 8);
                    tally[key] = (entry.References + 1, entry.Cards);
                }
            }
        }
        foreach (var target in tally.GroupBy(entry => entry.Key.Target).OrderBy(group => group.Key))
        {
            Console.WriteLine($"older objects' references to {target.Key}: {target.Sum(e => e.Value.References):N0} on {target.Sum(e => e.Value.Cards.Count):N0} cards of 256 bytes");
            foreach (var (key, (references, cards)) in target.OrderByDescending(e => e.Value.Cards.Count).Take(top))
            {
                Console.WriteLine($"  {cards.Count,9:N0} cards {references,9:N0} refs  {key.Holder}");
            }
        }
    }

    private static void PrintGen0Strings(ClrHeap heap, int top)
    {
        var shapes = new Dictionary<string, (long Count, long Bytes)>();
        foreach (var obj in heap.EnumerateObjects())
        {
            if (obj.IsValid && obj.Type?.IsString == true && GenerationOf(heap, obj.Address) == Generation.Generation0)
            {
                var shape = Shape(obj.AsString(200) ?? "");
                var (count, bytes) = shapes.GetValueOrDefault(shape);
                shapes[shape] = (count + 1, bytes + (long)obj.Size);
            }
        }
        Console.WriteLine($"gen0 strings: {shapes.Sum(s => s.Value.Count):N0}");
        foreach (var (shape, (count, bytes)) in shapes.OrderByDescending(s => s.Value.Bytes).Take(top))
        {
            Console.WriteLine($"  {bytes / 1024.0,10:N0} KiB {count,9:N0}  {shape}");
        }
    }

    private static Generation GenerationOf(ClrHeap heap, ulong address) =>
        heap.GetSegmentByAddress(address)?.GetGeneration(address) ?? Generation.Unknown;

    private static string Shape(string text)
    {
        var shape = Numbers().Replace(HexRuns().Replace(text, "H"), "N").ReplaceLineEndings("\\n");
        return shape.Length > 80 ? shape[..80] : shape;
    }

    [GeneratedRegex("[0-9a-f]{8,}")]
    private static partial Regex HexRuns();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
