using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace MachineGrid.Grains.Tests;

/// <summary>Reads and writes grain state as stored, through the silo's grain storage ("Default"), behind the grains' backs.</summary>
public static class StoredStates
{
    /// <summary>A stored state as JSON with its ETag, or null when there is none.</summary>
    public sealed record Stored(string Json, string? ETag);

    public static async Task<Stored?> ReadStoredAsync(this GridCluster silo, GrainId grainId, string stateName)
    {
        var state = new GrainState<JsonElement>();
        await Storage(silo).ReadStateAsync(stateName, grainId, state);
        return state.RecordExists ? new Stored(state.State.GetRawText(), state.ETag) : null;
    }

    /// <summary>Writes <paramref name="json"/> as the state; with no ETag it must be the first write.</summary>
    public static Task WriteStoredAsync(this GridCluster silo, GrainId grainId, string stateName, string json, string? etag = null)
    {
        using var document = JsonDocument.Parse(json);
        var state = new GrainState<JsonElement>(document.RootElement.Clone()) { ETag = etag };
        return Storage(silo).WriteStateAsync(stateName, grainId, state);
    }

    private static IGrainStorage Storage(GridCluster silo) => silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
}
