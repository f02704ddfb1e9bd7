using System.Reflection;
using System.Text.Json;
using MachineGrid.Runtime.Persistence;

namespace MachineGrid.Runtime.Activation;

/// <summary>A persistent state a grain constructor asks for: its name, value type and deactivation write, and how to create it.</summary>
internal sealed record StateSlot(string Name, Type ParameterType, Type StateType, bool WriteOnDeactivation)
{
    private static readonly MethodInfo CreateTyped = typeof(StateSlot).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Creates the state object of one activation; bound once per slot, so activating costs no reflection.</summary>
    public Func<GrainId, string, IGrainStorage, JsonSerializerOptions, Action, bool, IStateWriter> Create { get; } =
        CreateTyped.MakeGenericMethod(StateType).CreateDelegate<Func<GrainId, string, IGrainStorage, JsonSerializerOptions, Action, bool, IStateWriter>>();

    public static StateSlot For(ParameterInfo parameter)
    {
        var attribute = parameter.GetCustomAttribute<PersistentStateAttribute>()!;
        return new(attribute.StateName, parameter.ParameterType, parameter.ParameterType.GetGenericArguments()[0], attribute.WriteOnDeactivation);
    }

    private static IStateWriter CreateState<TState>(GrainId id, string name, IGrainStorage storage, JsonSerializerOptions json, Action onInconsistent, bool trackChanges)
        where TState : new() =>
        new PersistentState<TState>(id, name, storage, json, onInconsistent, trackChanges);
}
