using System.Globalization;
using System.Text.Json;
using MachineGrid.Persistence.Diagnostics;
using MachineGrid.Persistence.Writes;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace MachineGrid.Persistence.Grains;

/// <summary>
/// Orleans grain storage over <see cref="MachineGridStore"/>: state as JSON, the ETag the row's version. Writes go
/// through the group committer and return once durable; a state derived from <see cref="StateWithRows"/> carries its
/// staged read-model rows into the same transaction.
/// </summary>
internal sealed partial class JsonGrainStorage(string name, MachineGridStore store, ILogger<JsonGrainStorage> logger) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        StoredState? stored;
        try
        {
            stored = await store.Database.ReadStateAsync(grainId.ToString(), stateName, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OrleansException)
        {
            LogReadFailed(logger, ex, stateName, grainId, name);
            throw StorageFailures.Wrap(ex, store.Database.Kind, $"the read of state '{stateName}' of grain {grainId} from storage '{name}'");
        }
        grainState.ETag = stored is null ? null : ToETag(stored.Version);
        grainState.RecordExists = stored?.Json is not null;
        if (stored?.Json is { } json)
        {
            try
            {
                grainState.State = JsonSerializer.Deserialize<T>(json, store.Options.Json)!;
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
            {
                throw new StateDeserializationException(
                    $"State '{stateName}' of grain {grainId} in storage '{name}' ({store.Database.Kind}, version {stored.Version}) cannot be read as {typeof(T).Name}: {ex.Message} The stored row is left as it is.");
            }
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var json = JsonSerializer.Serialize(grainState.State, store.Options.Json);
        var staged = (grainState.State as IHasStagedRows)?.StagedRows;
        var rows = staged?.Peek() ?? [];
        var version = await CommitAsync(stateName, grainId, grainState.ETag, json, rows).ConfigureAwait(false);
        grainState.ETag = ToETag(version);
        grainState.RecordExists = true;
        staged?.RemoveWritten(rows.Length);
    }

    /// <summary>Clears the record (with the rows staged on the state) and gives the grain a new, empty state when its type has a parameterless constructor.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var staged = (grainState.State as IHasStagedRows)?.StagedRows;
        var rows = staged?.Peek() ?? [];
        var version = await CommitAsync(stateName, grainId, grainState.ETag, null, rows).ConfigureAwait(false);
        grainState.ETag = ToETag(version);
        grainState.RecordExists = false;
        staged?.RemoveWritten(rows.Length);
        if (typeof(T).GetConstructor(Type.EmptyTypes) is not null)
        {
            grainState.State = Activator.CreateInstance<T>();
        }
    }

    private async Task<long> CommitAsync(string stateName, GrainId grainId, string? etag, string? json, RowChange[] rows)
    {
        var id = grainId.ToString();
        var write = new PendingStateWrite(id, stateName, json, FromETag(etag), rows);
        try
        {
            await store.Committer.Submit(write).ConfigureAwait(false);
            return await write.Task.ConfigureAwait(false);
        }
        catch (StaleVersionException)
        {
            var stored = await TryReadVersionAsync(id, stateName).ConfigureAwait(false);
            throw new InconsistentStateException(
                $"State '{stateName}' of grain {grainId} in storage '{name}' was not written: it expected version {etag ?? "none"}, and the store holds {stored}. Nothing was changed.",
                stored,
                etag);
        }
    }

    private async Task<string> TryReadVersionAsync(string grainId, string stateName)
    {
        try
        {
            var stored = await store.Database.ReadStateAsync(grainId, stateName, CancellationToken.None).ConfigureAwait(false);
            return stored is null ? "none" : ToETag(stored.Version);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return "an unknown version";
        }
    }

    private static string ToETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>Null for a null ETag; -1, which no row has, for text that names no version.</summary>
    private static long? FromETag(string? etag) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 ? version
        : -1;

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading state {StateName} of grain {GrainId} from storage {Storage} failed.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string stateName, GrainId grainId, string storage);
}
