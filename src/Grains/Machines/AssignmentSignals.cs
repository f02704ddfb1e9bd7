using System.Collections.Concurrent;

namespace MachineGrid.Grains;

/// <summary>
/// Wakes an agent's long-poll in this process as soon as its machine is offered a run, and tells it whether looking
/// for assignments can find any. The machine grain reports both its offers and the takes that leave it nothing
/// pending, in its turns, so a waiter that skips the look misses nothing; a machine whose grain has reported nothing
/// since it last activated is always looked at.
/// </summary>
public sealed class AssignmentSignals
{
    private readonly ConcurrentDictionary<string, MachineSignal> machines = new();

    /// <summary>
    /// The machine's signal, taken before looking for assignments so that an offer made between the look and the wait
    /// is not missed: <see cref="Subscription.MayHaveOffers"/> says whether to look, <see cref="Subscription.Offered"/>
    /// completes at the machine's next offer.
    /// </summary>
    public Subscription Subscribe(string machineId) => SignalOf(machineId).Subscribe();

    /// <summary>Records an offer to the machine and wakes its waiters. Called by the machine grain.</summary>
    public void Notify(string machineId) => SignalOf(machineId).Offer(retire: false);

    /// <summary>Records that the machine has no offer left to take. Called by the machine grain.</summary>
    public void Idle(string machineId) => SignalOf(machineId).Idle();

    /// <summary>
    /// Forgets what the machine's grain reported, as it deactivates: its next activation hands the runs not yet started
    /// to the agent again without offering them anew, so waiters look again, and keep looking until that activation reports.
    /// </summary>
    public void Forget(string machineId)
    {
        if (machines.TryRemove(machineId, out var signal))
        {
            signal.Offer(retire: true);
        }
    }

    private MachineSignal SignalOf(string machineId) => machines.GetOrAdd(machineId, static _ => new MachineSignal());

    /// <summary>What a waiter learns when it subscribes.</summary>
    /// <param name="MayHaveOffers">False only when the machine's grain reported, in this process, that nothing waits.</param>
    /// <param name="Offered">Completes at the machine's next offer.</param>
    public readonly record struct Subscription(bool MayHaveOffers, Task Offered);

    private sealed class MachineSignal
    {
        private readonly Lock gate = new();
        private bool offered = true;
        private bool retired;
        private TaskCompletionSource? waiters;

        public Subscription Subscribe()
        {
            lock (gate)
            {
                if (retired)
                {
                    return new(true, Task.CompletedTask);
                }
                waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return new(offered, waiters.Task);
            }
        }

        public void Offer(bool retire)
        {
            TaskCompletionSource? woken;
            lock (gate)
            {
                offered = true;
                retired |= retire;
                woken = waiters;
                waiters = null;
            }
            woken?.TrySetResult();
        }

        public void Idle()
        {
            lock (gate)
            {
                offered = false;
            }
        }
    }
}
