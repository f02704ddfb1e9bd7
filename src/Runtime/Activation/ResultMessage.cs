namespace MachineGrid.Runtime.Activation;

/// <summary>A call to a method returning <see cref="Task{TResult}"/>.</summary>
internal sealed class ResultMessage<TResult>(GrainMethod method, object?[] arguments, CallChain? caller) : CallMessage<TResult>(method, arguments, caller)
{
    protected override TResult ResultOf(Task grainTask) => ((Task<TResult>)grainTask).Result;
}
