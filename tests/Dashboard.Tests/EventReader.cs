using System.Text.Json;

namespace MachineGrid.Dashboard.Tests;

/// <summary>Reads Server-Sent Events from a streaming response.</summary>
public sealed class EventReader(HttpResponseMessage response) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private StreamReader? reader;

    /// <summary>The next event; fails the test if none arrives within 15 s or the stream ends.</summary>
    public async Task<(string Event, JsonElement Data)> NextAsync() =>
        await TryNextAsync() ?? throw new Xunit.Sdk.XunitException("The event stream ended.");

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<(string Event, JsonElement Data)?> TryNextAsync()
    {
        reader ??= new StreamReader(await response.Content.ReadAsStreamAsync());
        string? type = null;
        var data = "";
        while (await reader.ReadLineAsync().WaitAsync(Wait) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null)
                {
                    return (type, JsonDocument.Parse(data).RootElement.Clone());
                }
                continue;
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data += line["data: ".Length..];
            }
        }
        return null;
    }

    /// <summary>Collects the ids of groups in <c>changes</c> events until <paramref name="until"/> is among them.</summary>
    public async Task<HashSet<string>> GroupsUntilAsync(string until)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!seen.Contains(until))
        {
            var (type, data) = await NextAsync();
            if (type == "changes")
            {
                foreach (var group in data.GetProperty("groups").EnumerateArray())
                {
                    seen.Add(group.GetProperty("id").GetString()!);
                }
            }
        }
        return seen;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        reader?.Dispose();
        response.Dispose();
    }
}
