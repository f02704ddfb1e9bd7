using System.Reflection;

namespace MachineGrid.Runtime.Activation;

/// <summary>A grain method returning <see cref="Task"/>.</summary>
internal sealed class VoidGrainMethod(MethodInfo method, Func<object, object?[], Task> invoker) : GrainMethod(method)
{
    public override Task Invoke(object grain, object?[] arguments) => invoker(grain, arguments);

    public override Task FromException(Exception exception) => Task.FromException(exception);

    public override Message CreateMessage(object?[] arguments, CallChain? caller) => new VoidMessage(this, arguments, caller);
}
