using MachineGrid.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// Who can see which resource, as rows of the <c>directory</c> index table: <c>{kind}/all/{id}</c> for every resource and
/// <c>{kind}/p/{principal}/{id}</c> for its owner and each share. Grains call <see cref="SyncAsync"/> whenever access changes.
/// </summary>
public sealed class DirectoryIndex(IReadModel index)
{
    /// <summary>The index table.</summary>
    public const string Table = "directory";

    /// <summary>
    /// Moves a resource's rows from the principals that had access (null: it did not exist) to those that have it now
    /// (null: it was deleted).
    /// </summary>
    public Task SyncAsync(string kind, string id, IReadOnlyCollection<string>? before, IReadOnlyCollection<string>? after)
    {
        var changes = new List<RowChange>();
        if (before is null && after is not null)
        {
            changes.Add(RowChange.Put(Table, $"{kind}/all/{id}", []));
        }
        if (after is null && before is not null)
        {
            changes.Add(RowChange.Delete(Table, $"{kind}/all/{id}"));
        }
        var had = before ?? [];
        var has = after ?? [];
        changes.AddRange(had.Except(has).Select(p => RowChange.Delete(Table, $"{kind}/p/{p}/{id}")));
        changes.AddRange(has.Except(had).Select(p => RowChange.Put(Table, $"{kind}/p/{p}/{id}", [])));
        return changes.Count == 0 ? Task.CompletedTask : index.WriteAsync(changes);
    }

    /// <summary>One page of resource ids visible to the actor, and the cursor of the next page.</summary>
    public async Task<(IReadOnlyList<string> Ids, string? Next)> PageAsync(string kind, Actor actor, string? cursor, int limit)
    {
        var prefix = actor.IsAdmin ? $"{kind}/all/" : $"{kind}/p/{actor.Id}/";
        var rows = await index.ScanAsync(Table, prefix, cursor is null ? null : prefix + cursor, limit + 1);
        var ids = rows.Take(limit).Select(r => r.Key[prefix.Length..]).ToList();
        return (ids, rows.Count > limit ? ids[^1] : null);
    }
}
