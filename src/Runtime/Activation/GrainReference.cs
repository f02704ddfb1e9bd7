using System.Linq.Expressions;
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
        var proxy = ProxyFactory<TGrain>.New();
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

    /// <summary>
    /// Makes proxies of one interface. <see cref="DispatchProxy.Create{T, TProxy}"/> looks its generated type up and
    /// constructs it by reflection on every call (microseconds; grains make references on every call they send), so the
    /// generated type's constructor is compiled once into a delegate, falling back to the slow path if its shape differs.
    /// </summary>
    private static class ProxyFactory<TGrain>
    {
        public static readonly Func<TGrain> New = Build();

        private static Func<TGrain> Build()
        {
            var sample = Create<TGrain, GrainReference>()!;
            var type = sample.GetType();
            var methods = type.GetFields(BindingFlags.NonPublic | BindingFlags.Instance).FirstOrDefault(f => f.FieldType == typeof(MethodInfo[]));
            var constructor = type.GetConstructor([typeof(MethodInfo[])]);
            if (methods is null || constructor is null)
            {
                return () => Create<TGrain, GrainReference>()!;
            }
            var construct = Expression.New(constructor, Expression.Constant(methods.GetValue(sample), typeof(MethodInfo[])));
            return Expression.Lambda<Func<TGrain>>(Expression.Convert(construct, typeof(TGrain))).Compile();
        }
    }
}
