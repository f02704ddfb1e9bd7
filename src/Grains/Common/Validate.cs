namespace MachineGrid.Grains;

/// <summary>Input checks shared by the grains; each failure is a <see cref="DomainErrorCode.Validation"/> error naming the field.</summary>
internal static class Validate
{
    /// <summary>A required display text: not blank, within the length, no control characters. Returns it trimmed.</summary>
    public static string Name(string? value, string field, int maxLength)
    {
        DomainException.Require(!string.IsNullOrWhiteSpace(value), $"{field} is required.");
        var trimmed = value!.Trim();
        DomainException.Require(trimmed.Length <= maxLength, $"{field} must be at most {maxLength} characters; got {trimmed.Length}.");
        DomainException.Require(!trimmed.Any(char.IsControl), $"{field} must not contain control characters.");
        return trimmed;
    }

    /// <summary>An optional text within the length (control characters other than line breaks refused).</summary>
    public static string? Optional(string? value, string field, int maxLength)
    {
        if (value is null)
        {
            return null;
        }
        DomainException.Require(value.Length <= maxLength, $"{field} must be at most {maxLength} characters; got {value.Length}.");
        DomainException.Require(!value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')), $"{field} must not contain control characters.");
        return value;
    }

    /// <summary>An id that refers to another resource.</summary>
    public static string Id(string? value, string field)
    {
        DomainException.Require(!string.IsNullOrWhiteSpace(value), $"{field} is required.");
        DomainException.Require(value!.Length <= 128 && !value.Any(char.IsControl), $"{field} is not a valid id.");
        return value;
    }

    /// <summary>A defined enum value.</summary>
    public static T Enum<T>(T value, string field) where T : struct, System.Enum
    {
        DomainException.Require(System.Enum.IsDefined(value), $"{field} has no value {value}; allowed: {string.Join(", ", System.Enum.GetNames<T>())}.");
        return value;
    }
}
