using System.Globalization;

namespace MachineGrid.Runtime.Persistence;

/// <summary>Maps row versions to ETags and back. An ETag is the row version as a decimal string; versions start at 1.</summary>
internal static class StorageVersion
{
    /// <summary>A version no row ever has. An ETag that is not a version maps to it, so it never matches.</summary>
    public const long Unmatchable = -1;

    /// <summary>The ETag of <paramref name="version"/>.</summary>
    public static string ToETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The version an ETag names: null for a null ETag, <see cref="Unmatchable"/> for text that names no version.</summary>
    public static long? FromETag(string? etag) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 ? version
        : Unmatchable;
}
