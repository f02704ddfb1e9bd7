using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MachineGrid.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// Appends audit entries to the <c>audit</c> index table. Keys are the time in ticks plus a random suffix, so they sort
/// by time without a shared counter and appends from many grains group-commit together. Summaries must hold no secrets.
/// </summary>
public sealed class AuditTrail(IReadModel index, TimeProvider time)
{
    /// <summary>Stored entries are read only by <see cref="ReadAsync"/>, never embedded in HTML: quotes in summaries need no escaping.</summary>
    private static readonly JsonSerializerOptions Stored = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The index table holding the log.</summary>
    public const string Table = "audit";

    /// <summary>Records a change made by <paramref name="actorId"/> to <paramref name="resource"/>; returns once it is durable.</summary>
    public Task RecordAsync(string actorId, string action, AuditResource resource, object? before, object? after)
    {
        var at = time.GetUtcNow();
        var key = $"{at.UtcTicks:D19}-{Guid.NewGuid():N}";
        var entry = new AuditRecord(at, actorId, action, resource.ToString(), Summary(before), Summary(after));
        return index.WriteAsync([RowChange.Put(Table, key, JsonSerializer.SerializeToUtf8Bytes(entry, Stored))]);
    }

    /// <summary>Entries after the cursor, oldest first, and the cursor of the next page.</summary>
    public async Task<Page<AuditEntry>> ReadAsync(string? after, int limit)
    {
        limit = Math.Clamp(limit, 1, 1000);
        var rows = await index.ScanAsync(Table, "", after, limit + 1);
        var entries = rows.Take(limit)
            .Select(row => (row.Key, Record: JsonSerializer.Deserialize<AuditRecord>(row.Value)!))
            .Select(r => new AuditEntry(r.Key, r.Record.At, r.Record.ActorId, r.Record.Action, r.Record.Resource, r.Record.Before, r.Record.After))
            .ToList();
        return new Page<AuditEntry>(entries, rows.Count > limit ? entries[^1].Cursor : null);
    }

    private static string? Summary(object? value) => value switch
    {
        null => null,
        string text => text,
        _ => JsonSerializer.Serialize(value),
    };

    private sealed record AuditRecord(DateTimeOffset At, string ActorId, string Action, string Resource, string? Before, string? After);
}
