namespace MachineGrid.Runtime.Activation;

/// <summary>
/// One request in a chain of grain calls: the grain serving it and the request that made the call.
/// The node of a running non-reentrant request identifies that request, so a call that would wait on
/// a request further up its own chain is a deadlock.
/// </summary>
internal sealed class CallChain(GrainId grain, CallChain? caller)
{
    private static readonly AsyncLocal<CallChain?> CurrentRequest = new();

    public GrainId Grain { get; } = grain;

    public CallChain? Caller { get; } = caller;

    /// <summary>The request whose code is running in this async flow; null outside grains.</summary>
    public static CallChain? Current
    {
        get => CurrentRequest.Value;
        set => CurrentRequest.Value = value;
    }

    /// <summary>Whether <paramref name="request"/> is this request or one of its callers.</summary>
    public bool Includes(CallChain request)
    {
        for (var node = this; node is not null; node = node.Caller)
        {
            if (ReferenceEquals(node, request))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The grains from <paramref name="from"/> down to this request, caller first, then <paramref name="target"/>.</summary>
    public IReadOnlyList<GrainId> PathFrom(CallChain from, GrainId target)
    {
        var path = new List<GrainId> { target };
        for (var node = this; node is not null; node = node.Caller)
        {
            path.Add(node.Grain);
            if (ReferenceEquals(node, from))
            {
                break;
            }
        }
        path.Reverse();
        return path;
    }
}
