using MachineGrid.Runtime.Diagnostics;
using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Timers;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Activation;

/// <summary>
/// One live instance of a grain. It is also the grain's <see cref="SynchronizationContext"/>: every piece of
/// the grain's code (requests, their continuations, timer ticks) runs as a work item of this serial executor,
/// so no two ever run in parallel. On top of that, admission decides which requests may be in flight at once:
/// one at a time for a non-reentrant grain, any number for reentrant grains and always-interleave methods.
/// </summary>
internal sealed class Activation : SynchronizationContext, IThreadPoolWorkItem
{
    private const int MaxInlineDepth = 8;
    private const int WorkBudget = 64;

    [ThreadStatic]
    private static Activation? constructing;

    [ThreadStatic]
    private static int inlineDepth;

    private readonly SiloRuntime runtime;
    private readonly TaskCompletionSource deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Grain? grain;
    private IStateWriter[] states = [];
    private ActivationStatus status;
    private int running;
    private int exclusive;
    private int readers;
    private CallChain? exclusiveRequest;
    private Queue<Message>? mailbox;
    private Queue<Message>? interleaving;
    private Queue<(SendOrPostCallback Callback, object? State)>? work;
    private bool executing;
    private DeactivationReason? pendingDeactivation;
    private List<GrainTimer>? timers;
    private long keepAliveUntil;

    public Activation(SiloRuntime runtime, GrainId id, GrainClass grainClass)
    {
        this.runtime = runtime;
        Id = id;
        Class = grainClass;
    }

    /// <summary>The activation whose grain is being constructed on this thread.</summary>
    public static Activation? Constructing => constructing;

    public GrainId Id { get; }

    public GrainClass Class { get; }

    public SiloRuntime Runtime => runtime;

    /// <summary>Completes when the activation has been deactivated (or failed to activate).</summary>
    public Task Deactivated => deactivated.Task;

    /// <summary>Set by every request; cleared by the idle collector.</summary>
    public bool Touched { get; set; } = true;

    /// <summary>When the idle collector last saw this activation busy (timestamp units).</summary>
    public long IdleSince { get; set; }

    public override SynchronizationContext CreateCopy() => this;

    public override void Post(SendOrPostCallback callback, object? state)
    {
        lock (this)
        {
            (work ??= new()).Enqueue((callback, state));
            if (executing)
            {
                return;
            }
            executing = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            for (var i = 0; ; i++)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (this)
                {
                    if (work is null || work.Count == 0)
                    {
                        executing = false;
                        return;
                    }
                    if (i == WorkBudget)
                    {
                        break;
                    }
                    item = work.Dequeue();
                }
                RunWorkItem(item.Callback, item.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Runs the call on the caller's thread when the activation is idle and the call may start: no queueing,
    /// no thread switch. Returns null when it cannot; the caller then queues a message.
    /// </summary>
    public Task? TryInvokeInline(GrainMethod method, object?[] arguments, CallChain? caller)
    {
        if (inlineDepth >= MaxInlineDepth)
        {
            return null;
        }
        CallChain request;
        lock (this)
        {
            if (executing || status != ActivationStatus.Valid || work?.Count > 0 || mailbox?.Count > 0
                || !CanStart(method.AlwaysInterleave, method.ReadOnly))
            {
                return null;
            }
            executing = true;
            request = Admit(method.AlwaysInterleave, method.ReadOnly, caller, keepsAlive: true);
        }
        var previousContext = Current;
        var callerContext = ExecutionContext.Capture();
        var previousRequest = CallChain.Current;
        SetSynchronizationContext(this);
        CallChain.Current = request;
        inlineDepth++;
        Task task;
        try
        {
            task = method.Invoke(grain!, arguments);
        }
        catch (Exception ex)
        {
            task = method.FromException(ex);
        }
        finally
        {
            inlineDepth--;
            // The caller's own context back, as it was: what the grain set before its first await stays with the grain.
            if (callerContext is null)
            {
                CallChain.Current = previousRequest;
            }
            else
            {
                ExecutionContext.Restore(callerContext);
            }
            SetSynchronizationContext(previousContext);
        }
        if (task.IsCompleted)
        {
            ReleaseInline(method.AlwaysInterleave, method.ReadOnly, request, finished: true);
            RuntimeMetrics.Calls.Add(1, new KeyValuePair<string, object?>("grain.type", Class.TypeName));
            return task;
        }
        ReleaseInline(method.AlwaysInterleave, method.ReadOnly, request, finished: false);
        var message = method.CreateMessage(arguments, caller);
        message.Target = Id;
        message.Activation = this;
        message.Request = request;
        runtime.Watchdog.Register(message);
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Finish(message, task));
        return message.CallerTask;
    }

    /// <summary>Queues the message, starting activation if this is the first one.</summary>
    /// <returns>False when this activation is gone; the caller must look up a new one.</returns>
    /// <exception cref="DeadlockException">The message would wait on a request further up its own call chain.</exception>
    public bool TryAccept(Message message)
    {
        lock (this)
        {
            switch (status)
            {
                case ActivationStatus.Invalid:
                    return false;
                case ActivationStatus.Created:
                    status = ActivationStatus.Activating;
                    IdleSince = runtime.Time.GetTimestamp();
                    exclusiveRequest = new CallChain(Id, null);
                    RuntimeMetrics.Activations.Add(1, new KeyValuePair<string, object?>("grain.type", Class.TypeName));
                    Post(static state => _ = ((Activation)state!).ActivateAsync(), this);
                    break;
            }
            if (exclusiveRequest is not null && !message.AlwaysInterleave && message.Caller?.Includes(exclusiveRequest) == true)
            {
                throw new DeadlockException(message.Caller.PathFrom(exclusiveRequest, Id), message.Name);
            }
            if (status == ActivationStatus.Valid && (message.AlwaysInterleave || mailbox is null || mailbox.Count == 0)
                && CanStart(message.AlwaysInterleave, message.ReadOnly))
            {
                Start(message);
            }
            else
            {
                // Always-interleave messages wait only for activation, never behind other calls.
                (message.AlwaysInterleave ? interleaving ??= new() : mailbox ??= new()).Enqueue(message);
                RuntimeMetrics.MailboxDepth.Add(1);
            }
            return true;
        }
    }

    /// <summary>Asks for deactivation once no request is in flight.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (this)
        {
            if (status == ActivationStatus.Created)
            {
                status = ActivationStatus.Invalid;
                runtime.Catalog.Remove(this);
                deactivated.TrySetResult();
                return;
            }
            if (status is ActivationStatus.Deactivating or ActivationStatus.Invalid)
            {
                return;
            }
            pendingDeactivation ??= reason;
            if (reason.Code is DeactivationReasonCode.ShuttingDown or DeactivationReasonCode.InconsistentState)
            {
                pendingDeactivation = reason;
            }
            BeginDeactivationIfIdle();
        }
    }

    /// <summary>Keeps the idle collector away until the given time has passed.</summary>
    public void DelayDeactivation(TimeSpan delay)
    {
        lock (this)
        {
            keepAliveUntil = runtime.Time.GetTimestamp() + (long)(delay.TotalSeconds * runtime.Time.TimestampFrequency);
            pendingDeactivation = pendingDeactivation?.Code == DeactivationReasonCode.ApplicationRequested ? null : pendingDeactivation;
        }
    }

    /// <summary>Deactivates the activation if it has been idle for <paramref name="age"/>; called by the idle collector.</summary>
    public void CollectIfIdle(long now, long age)
    {
        lock (this)
        {
            if (status != ActivationStatus.Valid)
            {
                return;
            }
            if (Touched || running > 0 || mailbox?.Count > 0)
            {
                Touched = false;
                IdleSince = now;
                return;
            }
            if (now < keepAliveUntil || now - IdleSince < age)
            {
                return;
            }
            pendingDeactivation = new DeactivationReason(DeactivationReasonCode.IdleCollection, "idle longer than the collection age");
            BeginDeactivationIfIdle();
        }
    }

    public void AddTimer(GrainTimer timer)
    {
        lock (this)
        {
            if (status is ActivationStatus.Deactivating or ActivationStatus.Invalid)
            {
                throw new InvalidOperationException($"Grain {Id} is deactivating; it cannot register timers.");
            }
            (timers ??= []).Add(timer);
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (this)
        {
            timers?.Remove(timer);
        }
    }

    /// <summary>Called by a persistent state whose write found newer state in storage.</summary>
    public void OnInconsistentState() =>
        RequestDeactivation(new DeactivationReason(DeactivationReasonCode.InconsistentState, "storage holds a newer version than this activation read"));

    /// <summary>Ends a request: hands the outcome to the caller and starts what was waiting.</summary>
    public void Finish(Message message, Task task)
    {
        runtime.Watchdog.Unregister(message);
        message.Complete(task);
        lock (this)
        {
            Release(message.AlwaysInterleave, message.ReadOnly, message.Request!, message.KeepsAlive);
            Pump();
        }
        RuntimeMetrics.Calls.Add(1, new KeyValuePair<string, object?>("grain.type", Class.TypeName));
        if (message.QueuedAt != 0)
        {
            RuntimeMetrics.CallLatency.Record(runtime.Time.GetElapsedTime(message.QueuedAt).TotalMilliseconds);
        }
    }

    private void RunWorkItem(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception ex)
        {
            // Unobserved exceptions of grain code posted straight to the context (e.g. async void) end here.
            RuntimeLog.WorkItemFailed(runtime.Logger, ex);
        }
    }

    private bool CanStart(bool alwaysInterleave, bool readOnly)
    {
        if (status != ActivationStatus.Valid || pendingDeactivation is not null)
        {
            return false;
        }
        if (alwaysInterleave || Class.IsReentrant)
        {
            return true;
        }
        return readOnly ? exclusive == 0 : exclusive == 0 && readers == 0;
    }

    private CallChain Admit(bool alwaysInterleave, bool readOnly, CallChain? caller, bool keepsAlive)
    {
        var request = new CallChain(Id, caller);
        running++;
        Touched |= keepsAlive;
        if (!alwaysInterleave && !Class.IsReentrant)
        {
            if (readOnly)
            {
                readers++;
            }
            else
            {
                exclusive++;
                exclusiveRequest = request;
            }
        }
        return request;
    }

    private void Release(bool alwaysInterleave, bool readOnly, CallChain request, bool keepsAlive)
    {
        running--;
        Touched |= keepsAlive;
        if (!alwaysInterleave && !Class.IsReentrant)
        {
            if (readOnly)
            {
                readers--;
            }
            else
            {
                exclusive--;
                if (ReferenceEquals(exclusiveRequest, request))
                {
                    exclusiveRequest = null;
                }
            }
        }
    }

    private void ReleaseInline(bool alwaysInterleave, bool readOnly, CallChain request, bool finished)
    {
        lock (this)
        {
            if (finished)
            {
                Release(alwaysInterleave, readOnly, request, keepsAlive: true);
                Pump();
            }
            executing = false;
            if (work?.Count > 0)
            {
                executing = true;
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
    }

    private void Start(Message message)
    {
        message.Activation = this;
        message.Request = Admit(message.AlwaysInterleave, message.ReadOnly, message.Caller, message.KeepsAlive);
        Post(static state => RunRequest((Message)state!), message);
    }

    private static void RunRequest(Message message)
    {
        var activation = message.Activation!;
        var outside = ExecutionContext.Capture();
        var previous = CallChain.Current;
        CallChain.Current = message.Request;
        Task task;
        try
        {
            task = message.Invoke(activation.grain!);
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }
        finally
        {
            // Whatever the grain set in its execution context before its first await (its call chain, or any
            // AsyncLocal) stays with this request, not with the next one this work item runs.
            if (outside is null)
            {
                CallChain.Current = previous;
            }
            else
            {
                ExecutionContext.Restore(outside);
            }
        }
        if (task.IsCompleted)
        {
            activation.Finish(message, task);
        }
        else
        {
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => activation.Finish(message, task));
        }
    }

    /// <summary>Starts waiting messages that may now run, and deactivation when asked and idle. Caller holds the lock.</summary>
    private void Pump()
    {
        while (interleaving?.Count > 0 && CanStart(alwaysInterleave: true, readOnly: false))
        {
            RuntimeMetrics.MailboxDepth.Add(-1);
            Start(interleaving.Dequeue());
        }
        while (mailbox?.Count > 0 && CanStart(mailbox.Peek().AlwaysInterleave, mailbox.Peek().ReadOnly))
        {
            var next = mailbox.Dequeue();
            RuntimeMetrics.MailboxDepth.Add(-1);
            if (next.Expired)
            {
                continue;
            }
            Start(next);
        }
        BeginDeactivationIfIdle();
    }

    private void BeginDeactivationIfIdle()
    {
        if (pendingDeactivation is not null && status == ActivationStatus.Valid && running == 0)
        {
            status = ActivationStatus.Deactivating;
            exclusiveRequest = new CallChain(Id, null);
            Post(static state => _ = ((Activation)state!).DeactivateAsync(), this);
        }
    }

    private async Task ActivateAsync()
    {
        try
        {
            states = CreateStates();
            constructing = this;
            try
            {
                grain = (Grain)Class.Construct(runtime.Services, [.. states]);
            }
            finally
            {
                constructing = null;
            }
            CallChain.Current = exclusiveRequest;
            foreach (var state in states)
            {
                await state.ReadStateAsync();
            }
            await grain.OnActivateAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            RuntimeLog.ActivationFailed(runtime.Logger, Class.TypeName, Id.Key, ex);
            FailActivation(ex);
            return;
        }
        finally
        {
            CallChain.Current = null;
        }
        lock (this)
        {
            status = ActivationStatus.Valid;
            exclusiveRequest = null;
            Pump();
        }
    }

    private IStateWriter[] CreateStates()
    {
        var slots = Class.States;
        var created = new IStateWriter[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            created[i] = runtime.CreateState(Id, slots[i], OnInconsistentState);
        }
        return created;
    }

    private void FailActivation(Exception error)
    {
        List<Message> waiting;
        lock (this)
        {
            status = ActivationStatus.Invalid;
            runtime.Catalog.Remove(this);
            waiting = TakeWaiting();
        }
        RuntimeMetrics.Activations.Add(-1, new KeyValuePair<string, object?>("grain.type", Class.TypeName));
        foreach (var message in waiting)
        {
            runtime.Watchdog.Unregister(message);
            message.Fail(error);
        }
        deactivated.TrySetResult();
    }

    /// <summary>Empties both mailboxes, always-interleave messages first. Caller holds the lock.</summary>
    private List<Message> TakeWaiting()
    {
        List<Message> waiting = [.. interleaving ?? [], .. mailbox ?? []];
        RuntimeMetrics.MailboxDepth.Add(-waiting.Count);
        interleaving = null;
        mailbox = null;
        return waiting;
    }

    private async Task DeactivateAsync()
    {
        var reason = pendingDeactivation!.Value;
        CallChain.Current = exclusiveRequest;
        try
        {
            await grain!.OnDeactivateAsync(reason, CancellationToken.None);
        }
        catch (Exception ex)
        {
            RuntimeLog.DeactivationFailed(runtime.Logger, Class.TypeName, Id.Key, ex);
        }
        if (reason.Code is not (DeactivationReasonCode.InconsistentState or DeactivationReasonCode.ActivationFailed))
        {
            foreach (var state in states)
            {
                try
                {
                    await state.WriteIfChangedAsync();
                }
                catch (Exception ex)
                {
                    RuntimeLog.DeactivationWriteFailed(runtime.Logger, Class.TypeName, Id.Key, state.StateName, ex);
                }
            }
        }
        CallChain.Current = null;
        GrainTimer[] stopping;
        List<Message> waiting;
        lock (this)
        {
            stopping = timers is null ? [] : [.. timers];
            runtime.Catalog.Remove(this);
            status = ActivationStatus.Invalid;
            waiting = TakeWaiting();
        }
        foreach (var timer in stopping)
        {
            timer.Dispose();
        }
        RuntimeMetrics.Activations.Add(-1, new KeyValuePair<string, object?>("grain.type", Class.TypeName));
        RuntimeLog.Deactivated(runtime.Logger, Class.TypeName, Id.Key, reason);
        deactivated.TrySetResult();
        foreach (var message in waiting)
        {
            if (message.FollowsGrain)
            {
                runtime.Redeliver(message);
            }
        }
    }
}
