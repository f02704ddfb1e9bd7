using System.Runtime.CompilerServices;

namespace MachineGrid.Grains;

/// <summary>
/// The message of a <see cref="DomainException.Require(bool, ref RequirementMessage)"/> check, formatted only when
/// the check fails: inputs are checked on every call, and a message built for a check that holds is garbage.
/// </summary>
[InterpolatedStringHandler]
public ref struct RequirementMessage
{
    private DefaultInterpolatedStringHandler text;

    /// <summary>Starts a message that is built only when <paramref name="condition"/> is false.</summary>
    public RequirementMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        shouldAppend = !condition;
        text = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    /// <summary>Appends literal text.</summary>
    public void AppendLiteral(string value) => text.AppendLiteral(value);

    /// <summary>Appends a value.</summary>
    public void AppendFormatted<T>(T value) => text.AppendFormatted(value);

    /// <summary>Appends a value in a format.</summary>
    public void AppendFormatted<T>(T value, string? format) => text.AppendFormatted(value, format);

    /// <summary>The message built.</summary>
    public string ToStringAndClear() => text.ToStringAndClear();
}
