using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace MachineGrid.Gateway.Tests;

/// <summary>Thousands of generated bad requests: each gets a 4xx problem, none a 5xx, and the store is unchanged.</summary>
public sealed class FuzzTests(SeededGatewayFixture fixture, ITestOutputHelper output) : IClassFixture<SeededGatewayFixture>
{
    private const int Requests = 8_000;
    private const int Workers = 8;
    private const int RandomSeed = 20_261_122;

    [Fact]
    public async Task Generated_bad_requests_get_4xx_problems_never_5xx_and_change_nothing()
    {
        var seed = fixture.Seed;
        var before = await seed.SnapshotAsync(fixture.Admin);
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<string, int>();
        var logLinesBefore = fixture.Host.Logs.Lines.Count;
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = fixture.Host.Address, Timeout = TimeSpan.FromSeconds(30) };
            var client = new ApiClient(http);
            var generator = new BadRequestGenerator(seed, fixture.Host.AdminKey, new Random(RandomSeed + worker));
            for (var i = worker; i < Requests; i += Workers)
            {
                var request = generator.Next();
                var content = request.Body is null ? null : new StringContent(request.Body, Encoding.UTF8);
                if (content is not null)
                {
                    content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(request.MediaType);
                }
                ApiResponse response;
                try
                {
                    response = await client.SendAsync(request.Method, request.Path, content, request.Authorization, request.ExpectContinue);
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue($"#{i} transport failure {e.Message}: {request}");
                    continue;
                }
                statuses.AddOrUpdate($"{(int)response.Status} {response.Code ?? "-"}", 1, (_, n) => n + 1);
                if (Problem(request, response) is { } problem)
                {
                    failures.Enqueue($"#{i} {problem}: {request} -> {response}");
                }
            }
        })));

        clock.Stop();
        var after = await seed.SnapshotAsync(fixture.Admin);
        output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var (status, count) in statuses.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{status}: {count}");
        }
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers, e.g.:\n{string.Join("\n", failures.Take(15))}");
        Assert.Equal(Requests, statuses.Values.Sum());
        Assert.Equal(before, after);
        var errors = fixture.Host.Logs.Lines.Skip(logLinesBefore).Where(line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} error log lines, e.g.:\n{string.Join("\n", errors.Take(5))}");
    }

    /// <summary>What is wrong with the answer, or null when it is a 4xx problem.</summary>
    private static string? Problem(BadRequest request, ApiResponse response)
    {
        var status = (int)response.Status;
        if (status >= 500)
        {
            return "server error";
        }
        if (status is < 400 or > 499)
        {
            return "not refused";
        }
        if (response.Body.Length == 0)
        {
            return request.BareRejectAllowed && status == 400 ? null : "no problem body";
        }
        if (response.MediaType != "application/problem+json")
        {
            return "not a problem";
        }
        var body = response.Json;
        var complete = body.TryGetProperty("status", out var s) && s.GetInt32() == status
            && new[] { "title", "detail", "code" }.All(f => body.TryGetProperty(f, out var v) && !string.IsNullOrWhiteSpace(v.GetString()));
        return complete ? null : "incomplete problem";
    }
}
