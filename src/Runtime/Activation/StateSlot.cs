using System.Reflection;

namespace MachineGrid.Runtime.Activation;

/// <summary>A persistent state a grain constructor asks for: its name and value type.</summary>
internal sealed record StateSlot(string Name, Type ParameterType, Type StateType)
{
    public static StateSlot Create(ParameterInfo parameter) => new(
        parameter.GetCustomAttribute<PersistentStateAttribute>()!.StateName,
        parameter.ParameterType,
        parameter.ParameterType.GetGenericArguments()[0]);
}
