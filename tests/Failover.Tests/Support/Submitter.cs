using System.Collections.Concurrent;

namespace MachineGrid.Failover.Tests;

/// <summary>
/// Submits runs through one gateway, one after another, spread over the given connections. A run is acknowledged when the
/// gateway answered 2xx; a submit that failed (e.g. its silo died) is counted and not retried elsewhere.
/// </summary>
internal sealed class Submitter(Uri gateway, string apiKey, IReadOnlyList<string> connectionIds, TimeSpan pace) : IDisposable
{
    private readonly MachineGridClient client = new(gateway, apiKey);
    private readonly ConcurrentQueue<string> acknowledged = new();
    private int failures;

    public Uri Gateway { get; } = gateway;

    /// <summary>Ids of the runs the gateway acknowledged.</summary>
    public IReadOnlyList<string> Acknowledged => [.. acknowledged];

    /// <summary>Submits that got no 2xx.</summary>
    public int Failures => Volatile.Read(ref failures);

    public async Task RunAsync(CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                var run = await client.SubmitRunAsync(new SubmitRunRequest(connectionIds[n % connectionIds.Count], "load"), stop);
                acknowledged.Enqueue(run.Id);
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is HttpRequestException or MachineGridException or TaskCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(pace, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose() => client.Dispose();
}
