using MachineGrid.Runtime.Persistence;
using MachineGrid.Runtime.Reminders;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>One opening of a provider: its two stores and the database object that owns them (null for in-memory).</summary>
internal sealed record StorageUnderTest(IGrainStorage Storage, IReminderTable Reminders, IAsyncDisposable? Owner);
