using System.Runtime.CompilerServices;

namespace MachineGrid.Grains;

/// <summary>A domain rule refused the operation. Nothing was changed.</summary>
[GenerateSerializer, Alias("mg.DomainException")]
public sealed class DomainException(DomainErrorCode code, string message) : Exception(message)
{
    /// <summary>The stable error code.</summary>
    [Id(0)]
    public DomainErrorCode Code { get; private set; } = code;

    /// <summary>Throws <see cref="DomainErrorCode.Validation"/> unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new DomainException(DomainErrorCode.Validation, message);
        }
    }

    /// <summary>Throws <see cref="DomainErrorCode.Validation"/> unless <paramref name="condition"/> holds; the message is built only then.</summary>
    public static void Require(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref RequirementMessage message)
    {
        if (!condition)
        {
            throw new DomainException(DomainErrorCode.Validation, message.ToStringAndClear());
        }
    }
}
