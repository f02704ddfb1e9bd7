using System.Net;
using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class MetricsTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string RunsEntered = "machinegrid_runs_total";
    private const string AssignmentLatencyCount = "machinegrid_run_assignment_duration_milliseconds_count";
    private const string QueueDepth = "machinegrid_queue_depth";
    private const string StorageCommitCount = "machinegrid_storage_commit_duration_milliseconds_count";

    private Grid Grid => fixture.Grid;

    [Fact]
    public async Task Metrics_count_a_run_from_submission_to_success_and_carry_no_secret_or_id()
    {
        var secret = "Secret-Metrics-" + Guid.NewGuid().ToString("N");
        var group = await Grid.OnlineGroupAsync(secret: secret);
        var machine = group.Machines[0];
        var before = await ScrapeAsync();

        var runId = (await Grid.SubmitAsync(group.ConnectionId)).Id;
        var assignment = await Grid.TakeAsync(machine);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{runId}/start")).Is(HttpStatusCode.NoContent);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{runId}/complete", new { status = "Succeeded" })).Is(HttpStatusCode.NoContent);
        var after = before;
        await Eventually.True(async () =>
        {
            after = await ScrapeAsync();
            return Entered(after, "Succeeded") > Entered(before, "Succeeded");
        }, "the scrape counts the succeeded run");

        Assert.Equal(secret, assignment.Json.GetProperty("credential").GetProperty("secret").GetString());
        foreach (var status in new[] { "Queued", "Assigned", "Running", "Succeeded" })
        {
            Assert.True(Entered(after, status) >= Entered(before, status) + 1, $"No run entered {status}: {Excerpt(after, RunsEntered)}");
        }
        Assert.True(after.Sum(AssignmentLatencyCount) > before.Sum(AssignmentLatencyCount), $"No assignment latency recorded: {Excerpt(after, "machinegrid_run_assignment")}");
        Assert.NotEmpty(after.Series(QueueDepth));
        // Orleans' catalog meters count this silo's activations. Any of them will do: in a full ./test.sh (many silos
        // in this process, one after another) the activations gauge alone was missing from every scrape of one host.
        Assert.True(after.All.Any(series => series.Name.StartsWith("orleans_catalog_activation", StringComparison.Ordinal) && series.Value > 0),
            $"No Orleans catalog series: {Excerpt(after, "orleans_catalog")}");
        Assert.True(after.Sum(StorageCommitCount) > 0, $"No storage commit recorded: {Excerpt(after, "machinegrid_storage")}");
        foreach (var value in new[] { secret, Grid.Password, fixture.Host.AdminKey, machine.Key, runId, group.GroupId, group.CredentialId, machine.Id, group.Username })
        {
            Assert.DoesNotContain(value, after.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Queue_depth_counts_a_run_no_machine_can_take()
    {
        var group = await Grid.OnlineGroupAsync(machines: 0);

        var runId = (await Grid.SubmitAsync(group.ConnectionId)).Id;
        var scrape = await ScrapeAsync();
        await Eventually.True(async () => (scrape = await ScrapeAsync()).Sum(QueueDepth) >= 1, "the queue depth counts the queued run");

        Assert.Equal("Queued", (await Grid.Admin.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK).Text("status"));
        Assert.DoesNotContain(runId, scrape.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_served_without_a_key_even_with_a_bad_one()
    {
        var anonymous = (await Grid.As(null).GetAsync("metrics")).Is(HttpStatusCode.OK);
        var badKey = (await Grid.As("mgk_not_a_key").GetAsync("metrics")).Is(HttpStatusCode.OK);
        using var header = await Grid.As(null).Http.GetAsync("metrics");

        Assert.Equal("text/plain", anonymous.MediaType);
        Assert.Contains(header.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        // Series that exist before any run: the gauge from the start, the storage's commits from the bootstrap admin's.
        Assert.Contains("# TYPE " + QueueDepth + " gauge", anonymous.Body, StringComparison.Ordinal);
        Assert.Contains("# TYPE machinegrid_storage_commit_duration_milliseconds histogram", badKey.Body, StringComparison.Ordinal);
    }

    private static double Entered(PrometheusText scrape, string status) => scrape.Sum(RunsEntered, $"status=\"{status}\"");

    private static string Excerpt(PrometheusText scrape, string prefix) =>
        string.Join('\n', scrape.Body.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).Take(20));

    private async Task<PrometheusText> ScrapeAsync() =>
        new((await Grid.As(null).GetAsync("metrics")).Is(HttpStatusCode.OK).Body);
}
