namespace MachineGrid.Runtime.Activation;

/// <summary>A grain call whose caller awaits a <typeparamref name="TResult"/>.</summary>
internal abstract class CallMessage<TResult>(GrainMethod method, object?[] arguments, CallChain? caller) : Message(caller)
{
    private readonly TaskCompletionSource<TResult> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainMethod Method { get; } = method;

    public override string Name => Method.Name;

    public override bool AlwaysInterleave => Method.AlwaysInterleave;

    public override bool ReadOnly => Method.ReadOnly;

    public override Task CallerTask => Method.OneWay ? System.Threading.Tasks.Task.CompletedTask : completion.Task;

    public override Task Invoke(object grain) => Method.Invoke(grain, arguments);

    public override void Complete(Task grainTask)
    {
        if (grainTask.IsCompletedSuccessfully)
        {
            completion.TrySetResult(ResultOf(grainTask));
        }
        else if (grainTask.IsCanceled)
        {
            completion.TrySetCanceled();
        }
        else
        {
            completion.TrySetException(grainTask.Exception!.InnerExceptions);
        }
    }

    public override bool Fail(Exception exception) => completion.TrySetException(exception);

    protected abstract TResult ResultOf(Task grainTask);
}
