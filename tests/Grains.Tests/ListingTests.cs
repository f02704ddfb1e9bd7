using MachineGrid.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridB.Name)]
public sealed class ListingTests(SharedGrid shared)
{
    [Fact]
    public async Task The_group_list_shows_the_seed_columns_for_the_groups_the_caller_can_see()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var shared = await grid.CreateGroupAsync("shared");
        var hidden = await grid.CreateGroupAsync("hidden");
        await grid.Group(shared).Update(grid.Owner, new UpdateGroup(null, "for the night shift", null));
        var machines = await grid.AddMachinesAsync(shared, 2);
        await grid.Group(shared).Enqueue(grid.Run(Grid.Single("a")));
        await grid.Group(shared).Enqueue(grid.Run(Grid.Single("a")));
        await grid.Group(shared).Enqueue(grid.Run(Grid.Single("b"), mode: RunMode.Attended));
        var user = Actors.User();
        await grid.Group(shared).Share(grid.Owner, user.Id, ResourceAccess.User);
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");

        var seen = await directory.ListGroups(user, null, 50);

        var row = Assert.Single(seen.Items);
        Assert.Equal((shared, "shared", "for the night shift"), (row.Id, row.Name, row.Description));
        Assert.Equal((2, 2, 1), (row.MachineCount, row.RunningCount, row.QueuedCount));
        Assert.Equal(ResourceAccess.User, row.Access);
        Assert.Equal(grid.Owner.Ref, row.Owner);
        Assert.Equal(new[] { hidden, shared }.Order(), (await directory.ListGroups(Actors.Admin, null, 50)).Items.Select(g => g.Id).Order());
        await grid.Group(shared).Unshare(grid.Owner, user.Id);
        Assert.Empty((await directory.ListGroups(user, null, 50)).Items);
        Assert.Equal(2, machines.Length);
    }

    [Fact]
    public async Task Lists_page_with_a_cursor_and_visit_every_item_once()
    {
        var grid = shared.NewGrid();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await grid.CreateGroupAsync($"g{i}"));
        }
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await directory.ListGroups(grid.Owner, cursor, 3);
            seen.AddRange(page.Items.Select(g => g.Id));
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Machines_and_credentials_are_listed_for_their_owner_and_share_holders()
    {
        var grid = shared.NewGrid();
        var machine = await grid.RegisterAsync("listed");
        var credential = await grid.CreateCredentialAsync("listed");
        var other = Actors.Owner();
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");
        Assert.Empty((await directory.ListMachines(other, null, 10)).Items);

        await grid.Machine(machine).Share(grid.Owner, other.Id, ResourceAccess.User);
        await grid.Grains.GetGrain<ICredentialGrain>(credential).Share(grid.Owner, other.Id, ResourceAccess.User);

        Assert.Equal([machine], (await directory.ListMachines(other, null, 10)).Items.Select(m => m.Id));
        Assert.Equal([credential], (await directory.ListCredentials(other, null, 10)).Items.Select(c => c.Id));
        Assert.Equal([machine], (await directory.ListMachines(grid.Owner, null, 10)).Items.Select(m => m.Id));
        await grid.Machine(machine).Delete(grid.Owner);
        Assert.Empty((await directory.ListMachines(grid.Owner, null, 10)).Items);
    }

    [Fact]
    public async Task Runs_are_listed_by_group_machine_and_status_newest_first()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var runs = await grid.SubmitSpacedAsync(connection, 4);
        await Eventually.True(async () => (await grid.RunGrain(runs[0]).Get(grid.Owner)).Status == RunStatus.Assigned, "the first run was assigned");
        await grid.WorkAsync([machine]);
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");

        var byGroup = await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group), null, 10);
        var queued = await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group, Status: RunStatus.Queued), null, 10);
        var onMachine = await directory.ListRuns(grid.Owner, new RunFilter(MachineId: machine), null, 10);
        var succeeded = await directory.ListRuns(Actors.Admin, new RunFilter(Status: RunStatus.Succeeded), null, 10);
        var mine = await directory.ListRuns(grid.Owner, new RunFilter(), null, 2);

        Assert.Equal(Enumerable.Reverse(runs), byGroup.Items.Select(r => r.Id));
        Assert.Equal(Enumerable.Reverse(runs).Take(2), queued.Items.Select(r => r.Id));
        Assert.Equal([runs[1], runs[0]], onMachine.Items.Select(r => r.Id));
        Assert.Contains(runs[0], succeeded.Items.Select(r => r.Id));
        Assert.Equal(RunStatus.Succeeded, onMachine.Items[^1].Status);
        Assert.Equal(2, mine.Items.Count);
        Assert.NotNull(mine.Next);
        var stranger = Actors.User();
        var refused = await Assert.ThrowsAsync<DomainException>(() => directory.ListRuns(stranger, new RunFilter(GroupId: group), null, 10));
        Assert.Equal(DomainErrorCode.Forbidden, refused.Code);
        Assert.Empty((await directory.ListRuns(stranger, new RunFilter(), null, 10)).Items);
    }

    [Fact]
    public async Task Assigned_and_running_runs_are_told_apart_when_listed_by_status()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machines = await grid.AddMachinesAsync(group, 2);
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var runs = await grid.SubmitSpacedAsync(connection, 3);
        await Eventually.True(async () => (await grid.RunGrain(runs[1]).Get(grid.Owner)).Status == RunStatus.Assigned, "two runs were assigned");
        var started = (await grid.RunGrain(runs[0]).Get(grid.Owner)).MachineId!;
        await grid.Machine(started).TakeAssignments();
        await grid.Machine(started).StartRun(runs[0]);
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");

        var running = await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group, Status: RunStatus.Running), null, 10);
        var assigned = await directory.ListRuns(grid.Owner, new RunFilter(Status: RunStatus.Assigned), null, 10);
        var onMachine = await directory.ListRuns(grid.Owner, new RunFilter(MachineId: started, Status: RunStatus.Assigned), null, 10);
        var firstPage = await directory.ListRuns(Actors.Admin, new RunFilter(Status: RunStatus.Running), null, 1);

        Assert.Equal([runs[0]], running.Items.Select(r => r.Id));
        Assert.Equal([runs[1]], assigned.Items.Select(r => r.Id));
        Assert.Empty(onMachine.Items);
        Assert.Equal([runs[0]], firstPage.Items.Select(r => r.Id));
        Assert.Null(firstPage.Next);
        Assert.Equal([runs[2]], (await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group, Status: RunStatus.Queued), null, 10)).Items.Select(r => r.Id));
    }

    [Fact]
    public async Task A_groups_runs_not_ended_are_listed_newest_first_from_the_group_and_the_cursor_visits_each_once()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var runs = await grid.SubmitSpacedAsync(connection, 5);
        await grid.RunGrain(runs[2]).Cancel(grid.Owner);
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");

        var pages = new List<Page<RunView>>();
        string? cursor = null;
        do
        {
            pages.Add(await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group, Status: RunStatus.Queued), cursor, 2));
            cursor = pages[^1].Next;
        }
        while (cursor is not null && pages.Count < 5);

        Assert.Equal([[runs[4], runs[3]], [runs[1], runs[0]]], pages.Select(p => p.Items.Select(r => r.Id).ToArray()));
        Assert.All(pages.SelectMany(p => p.Items), r => Assert.Equal(RunStatus.Queued, r.Status));
        Assert.Empty((await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group, Status: RunStatus.Running), null, 10)).Items);
        Assert.Equal([runs[2]], (await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group, Status: RunStatus.Cancelled), null, 10)).Items.Select(r => r.Id));
        Assert.Empty((await directory.ListRuns(Actors.Admin, new RunFilter(GroupId: "g-none", Status: RunStatus.Queued), null, 10)).Items);
        Assert.Equal([runs[4], runs[3], runs[1], runs[0]], (await directory.ListRuns(grid.Owner, new RunFilter(Status: RunStatus.Queued), null, 10)).Items.Select(r => r.Id));
    }

    [Fact]
    public async Task A_run_files_index_rows_when_submitted_and_when_it_ends_and_none_for_passing_states()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot"));
        var index = grid.Silo.Services.GetRequiredService<IReadModel>();
        // Each key is a prefix and then the run's suffix, {inverted enqueue time:D19}/{run id}.
        async Task<string[]> Kinds(string run) => [.. (await index.ScanAsync(RunIndex.Table, "", null, 100))
            .Where(r => r.Key.EndsWith(run, StringComparison.Ordinal)).Select(r => r.Key[..^(20 + run.Length)]).Order(StringComparer.Ordinal)];
        var owner = grid.Owner.Id;

        var succeeded = await grid.SubmitAsync(connection);
        await Eventually.True(async () => (await grid.RunGrain(succeeded).Get(grid.Owner)).Status == RunStatus.Assigned, "the run was assigned");
        var whileAssigned = await Kinds(succeeded);
        await grid.WorkAsync([machine]);
        var failed = await grid.SubmitAsync(connection);
        await Eventually.True(async () => (await grid.RunGrain(failed).Get(grid.Owner)).Status == RunStatus.Assigned, "the second run was assigned");
        await grid.WorkAsync([machine], succeed: false);

        Assert.Equal(["a/", $"g/{group}/t/", $"p/{owner}/t/"], whileAssigned);
        Assert.Equal(["a/", $"g/{group}/t/", $"m/{machine}/t/", $"p/{owner}/t/"], await Kinds(succeeded));
        Assert.Equal(["a/", $"g/{group}/s/Failed/", $"g/{group}/t/", $"m/{machine}/t/", $"p/{owner}/s/Failed/", $"p/{owner}/t/", "s/Failed/"], await Kinds(failed));
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");
        foreach (var filter in new[] { new RunFilter(Status: RunStatus.Succeeded), new RunFilter(GroupId: group, Status: RunStatus.Succeeded) })
        {
            Assert.Equal([succeeded], (await directory.ListRuns(grid.Owner, filter, null, 10)).Items.Select(r => r.Id));
            Assert.Equal([succeeded], (await directory.ListRuns(Actors.Admin, filter, null, 10)).Items.Select(r => r.Id));
        }
        Assert.Equal([failed], (await directory.ListRuns(grid.Owner, new RunFilter(GroupId: group, Status: RunStatus.Failed), null, 10)).Items.Select(r => r.Id));
    }

    [Fact]
    public async Task A_machines_list_merges_the_runs_it_holds_with_those_that_ended_on_it_newest_first()
    {
        var grid = await Grid.StartAsync();
        await using var _ = grid.Silo;
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1, MachineKind.Server, sessions: 2))[0];
        // Two users, so two unattended runs fit on the machine at once.
        var connection = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot-a"));
        var other = await grid.ConnectAsync(group, await grid.CreateCredentialAsync("robot-b"));
        var runs = new List<string> { await grid.SubmitAsync(connection) };
        grid.Clock.Advance(TimeSpan.FromSeconds(1));
        runs.Add(await grid.SubmitAsync(other));
        grid.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(async () => (await grid.RunGrain(runs[1]).Get(grid.Owner)).Status == RunStatus.Assigned, "both runs were placed");
        await grid.Machine(machine).TakeAssignments();
        await grid.Machine(machine).CompleteRun(runs[0], true, null, null);
        runs.Add(await grid.SubmitAsync(connection));
        await Eventually.True(async () => (await grid.RunGrain(runs[2]).Get(grid.Owner)).Status == RunStatus.Assigned, "the third run was placed");
        await grid.Machine(machine).TakeAssignments();
        await grid.Machine(machine).StartRun(runs[1]);
        var directory = grid.Grains.GetGrain<IDirectoryGrain>("environment");

        var first = await directory.ListRuns(grid.Owner, new RunFilter(MachineId: machine), null, 2);
        var second = await directory.ListRuns(grid.Owner, new RunFilter(MachineId: machine), first.Next, 2);
        Task<IEnumerable<string>> Only(RunStatus status) =>
            directory.ListRuns(grid.Owner, new RunFilter(MachineId: machine, Status: status), null, 10).ContinueWith(t => t.Result.Items.Select(r => r.Id));

        Assert.Equal([runs[2], runs[1]], first.Items.Select(r => r.Id));
        Assert.NotNull(first.Next);
        Assert.Equal([runs[0]], second.Items.Select(r => r.Id));
        Assert.Null(second.Next);
        Assert.Equal([runs[1]], await Only(RunStatus.Running));
        Assert.Equal([runs[2]], await Only(RunStatus.Assigned));
        Assert.Equal([runs[0]], await Only(RunStatus.Succeeded));
        Assert.Empty(await Only(RunStatus.Queued));
        Assert.Equal(3, (await directory.ListRuns(grid.Owner, new RunFilter(MachineId: machine), null, 10)).Items.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    [InlineData(-5)]
    public async Task Out_of_range_page_sizes_are_refused(int limit)
    {
        var grid = shared.NewGrid();

        var error = await Assert.ThrowsAsync<DomainException>(() => grid.Grains.GetGrain<IDirectoryGrain>("environment").ListGroups(grid.Owner, null, limit));

        Assert.Equal(DomainErrorCode.Validation, error.Code);
    }

    [Fact]
    public async Task A_status_filter_that_matches_few_of_many_rows_reads_a_bounded_number_per_page_and_the_cursor_goes_on()
    {
        var grid = shared.NewGrid();
        var runs = new RunIndex(grid.Silo.Services.GetRequiredService<IReadModel>());
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var running = View("r-oldest", RunStatus.Running, start);
        var ended = Enumerable.Range(1, (RunIndex.MaxScannedRows * 2) + 50).Select(i => View($"r-{i:D5}", RunStatus.Succeeded, start.AddSeconds(i))).ToList();
        var submitter = Actors.User();
        await Task.WhenAll(ended.Prepend(running).Select(view => runs.UpdateAsync(submitter.Id, "g-1", null, view)));
        var prefix = RunIndex.PrefixFor(submitter, new RunFilter(Status: RunStatus.Running));
        var asked = new List<string>();
        Task<RunView> Current(string id)
        {
            asked.Add(id);
            return Task.FromResult(running);
        }

        var pages = new List<Page<RunView>>();
        string? cursor = null;
        do
        {
            pages.Add(await runs.PageAsync(prefix, cursor, 10, RunStatus.Running, Current));
            cursor = pages[^1].Next;
        }
        while (cursor is not null && pages.Count < 10);

        Assert.Equal(3, pages.Count);
        Assert.Empty(pages[0].Items);
        Assert.NotNull(pages[0].Next);
        Assert.Empty(pages[1].Items);
        Assert.Equal(["r-oldest"], pages[2].Items.Select(r => r.Id));
        Assert.Null(pages[2].Next);
        Assert.Equal(["r-oldest"], asked);
        var unfiltered = await runs.PageAsync(prefix, null, 10, null, Current);
        Assert.Equal(10, unfiltered.Items.Count);
        Assert.Equal($"r-{(RunIndex.MaxScannedRows * 2) + 50:D5}", unfiltered.Items[0].Id);
    }

    private static RunView View(string id, RunStatus status, DateTimeOffset enqueuedAt) =>
        new(id, status, "test", "flow", RunMode.Unattended, "g-1", "m-1", null, RunPriority.Normal, enqueuedAt, enqueuedAt, enqueuedAt, null, 1, 1, null, null);
}
