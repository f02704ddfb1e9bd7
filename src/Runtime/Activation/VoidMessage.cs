namespace MachineGrid.Runtime.Activation;

/// <summary>A call to a method returning <see cref="Task"/>.</summary>
internal sealed class VoidMessage(GrainMethod method, object?[] arguments, CallChain? caller) : CallMessage<object?>(method, arguments, caller)
{
    protected override object? ResultOf(Task grainTask) => null;
}
