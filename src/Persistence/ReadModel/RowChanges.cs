namespace MachineGrid.Persistence;

internal static class RowChanges
{
    /// <summary>The final change of each row of a batch, in key order, so each row is touched once and locks are taken in one order.</summary>
    public static List<RowChange> LastPerRow(IEnumerable<RowChange> changes)
    {
        var last = new Dictionary<(string, string), RowChange>();
        foreach (var change in changes)
        {
            last[(change.Table, change.Key)] = change;
        }
        var ordered = last.Values.ToList();
        ordered.Sort((a, b) =>
        {
            var byTable = CodePointOrder.Compare(a.Table, b.Table);
            return byTable != 0 ? byTable : CodePointOrder.Compare(a.Key, b.Key);
        });
        return ordered;
    }
}
