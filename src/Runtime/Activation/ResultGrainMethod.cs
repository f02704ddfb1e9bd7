using System.Reflection;

namespace MachineGrid.Runtime.Activation;

/// <summary>A grain method returning <see cref="Task{TResult}"/>.</summary>
internal sealed class ResultGrainMethod<TResult>(MethodInfo method, Func<object, object?[], Task<TResult>> invoker) : GrainMethod(method)
{
    public override Task Invoke(object grain, object?[] arguments) => invoker(grain, arguments);

    public override Task FromException(Exception exception) => Task.FromException<TResult>(exception);

    public override Message CreateMessage(object?[] arguments, CallChain? caller) => new ResultMessage<TResult>(this, arguments, caller);
}
