using System.Text.Json;
using MachineGrid.Runtime.Hosting;
using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Reminders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MachineGrid.Runtime.Activation;

/// <summary>The silo's dispatcher and grain factory: finds or creates activations and delivers calls to them.</summary>
internal sealed class SiloRuntime : IGrainFactory, IDisposable
{
    private readonly IGrainStorage storage;
    private readonly JsonSerializerOptions json;

    public SiloRuntime(IServiceProvider services, GrainTypeRegistry registry, IGrainStorage storage, IReminderTable reminderTable,
        IOptions<RuntimeOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        Services = services;
        Registry = registry;
        this.storage = storage;
        Options = options.Value;
        Time = time;
        Logger = loggers.CreateLogger("MachineGrid.Runtime");
        json = Options.CreateJsonOptions();
        Watchdog = new CallWatchdog(time, Options.ResponseTimeout);
        Reminders = new ReminderService(this, reminderTable, time, Logger);
    }

    public IServiceProvider Services { get; }

    public GrainTypeRegistry Registry { get; }

    public RuntimeOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public Catalog Catalog { get; } = new();

    public CallWatchdog Watchdog { get; }

    public ReminderService Reminders { get; }

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => Reference<TGrain>(key);

    public TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey => Reference<TGrain>(key.ToString("N"));

    /// <summary>Invokes a grain method: inline when the activation is idle, otherwise as a queued message.</summary>
    public Task Invoke(GrainId id, GrainClass grainClass, GrainMethod method, object?[] arguments)
    {
        var caller = method.OneWay ? null : CallChain.Current;
        if (!method.OneWay)
        {
            var inline = Catalog.GetOrCreate(this, id, grainClass).TryInvokeInline(method, arguments, caller);
            if (inline is not null)
            {
                return inline;
            }
        }
        var message = method.CreateMessage(arguments, caller);
        message.Target = id;
        return Deliver(grainClass, message);
    }

    /// <summary>Delivers a message to whichever activation of its target is live, creating one if needed.</summary>
    public Task Deliver(GrainClass grainClass, Message message)
    {
        if (message.CallerTask.IsCompleted is false)
        {
            Watchdog.Register(message);
        }
        try
        {
            while (!Catalog.GetOrCreate(this, message.Target, grainClass).TryAccept(message))
            {
            }
        }
        catch (DeadlockException ex)
        {
            Watchdog.Unregister(message);
            message.Fail(ex);
        }
        return message.CallerTask;
    }

    /// <summary>Sends a message left in a deactivated activation's mailbox to the next activation.</summary>
    public void Redeliver(Message message)
    {
        try
        {
            while (!Catalog.GetOrCreate(this, message.Target, Registry.ForTypeName(message.Target.Type)).TryAccept(message))
            {
            }
        }
        catch (DeadlockException ex)
        {
            Watchdog.Unregister(message);
            message.Fail(ex);
        }
    }

    /// <summary>Creates the persistent state object for one constructor slot of a grain.</summary>
    public IStateWriter CreateState(GrainId id, StateSlot slot, Action onInconsistent) =>
        slot.Create(id, slot.Name, storage, json, onInconsistent, slot.WriteOnDeactivation);

    public void Dispose() => Watchdog.Dispose();

    private TGrain Reference<TGrain>(string key)
    {
        var grainClass = Registry.ForInterface(typeof(TGrain));
        return GrainReference.Create<TGrain>(this, new GrainId(grainClass.TypeName, key), grainClass);
    }
}
