using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Reminders;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>One opening of a provider: its stores and the database object that owns them (null for in-memory).</summary>
internal sealed record StorageUnderTest(IGrainStorage Storage, IReminderTable Reminders, IIndexStore Index, IAsyncDisposable? Owner);
