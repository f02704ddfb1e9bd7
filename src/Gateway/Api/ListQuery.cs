namespace MachineGrid.Gateway;

/// <summary>Paging query parameters: <c>?limit=&amp;cursor=</c>.</summary>
public static class ListQuery
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 200;

    /// <summary>The longest cursor accepted.</summary>
    public const int MaxCursorLength = 512;

    /// <summary>The page size asked for (1 to 200), or the default.</summary>
    public static int Limit(int? limit)
    {
        DomainException.Require(limit is null or (>= 1 and <= MaxLimit), $"limit must be 1 to {MaxLimit}.");
        return limit ?? DefaultLimit;
    }

    /// <summary>A filter on an enum value, given by its exact name (case-sensitive) as with JSON bodies; absent or empty means no filter.</summary>
    public static TEnum? EnumFilter<TEnum>(string name, string? text) where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return StrictEnumConverter<TEnum>.TryParse(text, out var value)
            ? value
            : throw new DomainException(DomainErrorCode.Validation, $"{name}: {StrictEnumConverter<TEnum>.Refusal(text)}");
    }

    /// <summary>The cursor asked for, checked: at most 512 characters, no control characters.</summary>
    public static string? Cursor(string? cursor)
    {
        DomainException.Require(cursor is null || (cursor.Length <= MaxCursorLength && !cursor.Any(char.IsControl)), "cursor is not valid.");
        return cursor;
    }
}
