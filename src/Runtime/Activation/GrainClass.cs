using System.Collections.Frozen;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Runtime.Activation;

/// <summary>What the runtime knows about one grain class: its type name, how to construct it, its interface methods.</summary>
internal sealed class GrainClass
{
    private readonly ObjectFactory factory;

    public GrainClass(Type type)
    {
        Type = type;
        TypeName = type.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultTypeName(type);
        IsReentrant = type.IsDefined(typeof(ReentrantAttribute), inherit: false);
        CollectionAge = type.GetCustomAttribute<CollectionAgeAttribute>()?.Age;
        var constructor = type.GetConstructors().SingleOrDefault()
            ?? throw new ArgumentException($"Grain class {type.Name} must have exactly one public constructor.");
        States = [.. constructor.GetParameters().Where(IsPersistentState).Select(StateSlot.For)];
        factory = ActivatorUtilities.CreateFactory(type, [.. States.Select(s => s.ParameterType)]);
        Methods = type.GetInterfaces()
            .Where(i => typeof(IGrain).IsAssignableFrom(i) && i != typeof(IGrain) && i != typeof(IGrainWithStringKey) && i != typeof(IGrainWithGuidKey))
            .SelectMany(i => i.GetMethods())
            .ToFrozenDictionary(m => m, GrainMethod.Create);
    }

    public Type Type { get; }

    public string TypeName { get; }

    public bool IsReentrant { get; }

    /// <summary>Per-class idle collection age; null means the silo default.</summary>
    public TimeSpan? CollectionAge { get; }

    /// <summary>The persistent states the constructor takes, in parameter order.</summary>
    public IReadOnlyList<StateSlot> States { get; }

    /// <summary>Interface method → invoker, for every grain interface the class implements.</summary>
    public FrozenDictionary<MethodInfo, GrainMethod> Methods { get; }

    /// <summary>Constructs the grain with its persistent states and services.</summary>
    public object Construct(IServiceProvider services, object[] states) => factory(services, states);

    private static bool IsPersistentState(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var isState = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IPersistentState<>);
        if (isState && !parameter.IsDefined(typeof(PersistentStateAttribute)))
        {
            throw new ArgumentException($"Constructor parameter '{parameter.Name}' of grain {parameter.Member.DeclaringType!.Name} needs [PersistentState(\"name\")].");
        }
        return isState;
    }

    private static string DefaultTypeName(Type type)
    {
        var name = type.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }
        return name.ToLowerInvariant();
    }
}
