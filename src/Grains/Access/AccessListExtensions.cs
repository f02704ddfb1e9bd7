namespace MachineGrid.Grains;

/// <summary>Copy-on-write changes to an <see cref="AccessList"/> held in immutable grain state.</summary>
internal static class AccessListExtensions
{
    /// <summary>A copy of the list with <paramref name="change"/> applied; the original is not touched.</summary>
    public static AccessList With(this AccessList list, Action<AccessList> change)
    {
        var copy = new AccessList { Owner = list.Owner, Shares = new Dictionary<string, ResourceAccess>(list.Shares) };
        change(copy);
        return copy;
    }
}
