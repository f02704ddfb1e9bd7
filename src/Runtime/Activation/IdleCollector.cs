namespace MachineGrid.Runtime.Activation;

/// <summary>Deactivates activations that have been idle longer than their collection age, looking once per quantum.</summary>
internal sealed class IdleCollector(SiloRuntime runtime) : IDisposable
{
    private ITimer? timer;

    public void Start()
    {
        var quantum = runtime.Options.CollectionQuantum;
        timer = runtime.Time.CreateTimer(static state => ((IdleCollector)state!).Collect(), this, quantum, quantum);
    }

    public void Dispose() => timer?.Dispose();

    private void Collect()
    {
        var time = runtime.Time;
        var now = time.GetTimestamp();
        foreach (var activation in runtime.Catalog.All)
        {
            var age = activation.Class.CollectionAge ?? runtime.Options.CollectionAge;
            activation.CollectIfIdle(now, (long)(age.TotalSeconds * time.TimestampFrequency));
        }
    }
}
