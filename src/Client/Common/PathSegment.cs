namespace MachineGrid.Client;

/// <summary>Escapes ids placed in URL paths.</summary>
internal static class PathSegment
{
    /// <summary>The id escaped as one path segment; throws on a null or empty id.</summary>
    public static string Of(string id, string paramName = "id")
    {
        ArgumentException.ThrowIfNullOrEmpty(id, paramName);
        return Uri.EscapeDataString(id);
    }
}
