using System.Collections.Frozen;
using System.Reflection;

namespace MachineGrid.Runtime.Activation;

/// <summary>Maps grain interfaces and grain type names to grain classes, found by scanning assemblies.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, GrainClass[]> byInterface;
    private readonly FrozenDictionary<string, GrainClass> byTypeName;

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        var classes = assemblies.Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t) && typeof(IGrain).IsAssignableFrom(t))
            .Select(t => new GrainClass(t))
            .ToList();
        var duplicateName = classes.GroupBy(c => c.TypeName).FirstOrDefault(g => g.Count() > 1);
        if (duplicateName is not null)
        {
            throw new ArgumentException($"Grain classes {string.Join(", ", duplicateName.Select(c => c.Type.Name))} share the grain type name '{duplicateName.Key}'; give one a [GrainType].");
        }
        byTypeName = classes.ToFrozenDictionary(c => c.TypeName);
        var byInterfaceList = classes
            .SelectMany(c => c.Type.GetInterfaces().Where(IsGrainInterface).Select(i => (Interface: i, Class: c)))
            .GroupBy(x => x.Interface)
            .ToList();
        byInterface = byInterfaceList.ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Class).ToArray());
    }

    public IEnumerable<GrainClass> Classes => byTypeName.Values;

    /// <summary>The class implementing the grain interface.</summary>
    /// <exception cref="ArgumentException">No scanned grain class implements it, or several do.</exception>
    public GrainClass ForInterface(Type grainInterface) => byInterface.TryGetValue(grainInterface, out var classes) switch
    {
        false => throw new ArgumentException($"No grain class implements {grainInterface.Name}. Is its assembly registered with AddGrainAssembly?"),
        true when classes!.Length > 1 => throw new ArgumentException($"Grain interface {grainInterface.Name} is implemented by several grain classes ({string.Join(", ", classes.Select(c => c.Type.Name))}); ask for a more specific interface."),
        _ => classes![0],
    };

    /// <summary>The class with the grain type name.</summary>
    /// <exception cref="ArgumentException">No scanned grain class has that name.</exception>
    public GrainClass ForTypeName(string typeName) =>
        byTypeName.TryGetValue(typeName, out var grainClass)
            ? grainClass
            : throw new ArgumentException($"No grain class has the grain type name '{typeName}'.");

    private static bool IsGrainInterface(Type type) =>
        type.IsInterface && typeof(IGrain).IsAssignableFrom(type)
        && type != typeof(IGrain) && type != typeof(IGrainWithStringKey) && type != typeof(IGrainWithGuidKey) && type != typeof(IRemindable);
}
