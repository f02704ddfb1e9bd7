using MachineGrid.Runtime.Activation;

namespace MachineGrid.Runtime;

/// <summary>Helpers on grain references.</summary>
public static class GrainExtensions
{
    /// <summary>The id of the grain a reference (or grain instance) stands for.</summary>
    public static GrainId GetGrainId(this IGrain grain) => grain switch
    {
        GrainReference reference => reference.GrainId,
        Grain instance => instance.GrainId,
        _ => throw new ArgumentException($"{grain.GetType().Name} is neither a grain reference nor a grain.", nameof(grain)),
    };
}
