namespace MachineGrid.Gateway;

/// <summary>Paging query parameters: <c>?limit=&amp;cursor=</c>.</summary>
public static class ListQuery
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The page size asked for, or the default.</summary>
    public static int Limit(int? limit) => limit ?? DefaultLimit;
}
