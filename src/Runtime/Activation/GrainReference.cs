using System.Reflection;

namespace MachineGrid.Runtime.Activation;

/// <summary>
/// The object behind every grain interface reference: a generated proxy that turns interface calls into grain calls.
/// It holds only the grain id and lookup data, so creating one does no I/O.
/// </summary>
public class GrainReference : DispatchProxy
{
    private SiloRuntime? runtime;
    private GrainClass? grainClass;

    /// <summary>The grain this reference addresses.</summary>
    public GrainId GrainId { get; private set; }

    internal static TGrain Create<TGrain>(SiloRuntime runtime, GrainId id, GrainClass grainClass)
    {
        var proxy = Create<TGrain, GrainReference>();
        var reference = (GrainReference)(object)proxy!;
        reference.runtime = runtime;
        reference.grainClass = grainClass;
        reference.GrainId = id;
        return proxy;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;

    /// <inheritdoc />
    public override int GetHashCode() => GrainId.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => GrainId.ToString();

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod is null || !grainClass!.Methods.TryGetValue(targetMethod, out var method))
        {
            throw new InvalidOperationException($"{targetMethod?.Name} is not a grain method of {grainClass!.Type.Name}.");
        }
        return runtime!.Invoke(GrainId, grainClass, method, args ?? []);
    }
}
