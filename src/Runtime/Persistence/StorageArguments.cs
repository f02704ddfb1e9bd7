namespace MachineGrid.Runtime.Persistence;

/// <summary>Argument checks shared by every storage provider, so all reject the same input the same way.</summary>
internal static class StorageArguments
{
    /// <summary>Rejects a default <see cref="GrainId"/> and an empty record name.</summary>
    public static void Validate(GrainId grainId, string name, string parameterName)
    {
        ValidateGrain(grainId);
        ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
    }

    /// <summary>Rejects a default <see cref="GrainId"/>.</summary>
    public static void ValidateGrain(GrainId grainId)
    {
        if (grainId.Type is null)
        {
            throw new ArgumentException("The grain id is empty (default).", nameof(grainId));
        }
    }

    /// <summary>Rejects a negative reminder period.</summary>
    public static void ValidatePeriod(TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
    }
}
