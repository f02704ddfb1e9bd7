using Xunit;

namespace MachineGrid.Grains.Tests;

public sealed class RecentlyEndedTests
{
    private static readonly RunPlacement OnMachine = new("m-1", new CredentialOption("c-1", "robot", "robot"), DateTimeOffset.UnixEpoch, null, 1);

    [Fact]
    public void It_keeps_the_last_runs_up_to_its_capacity_and_forgets_the_oldest_first()
    {
        var ended = new RecentlyEnded(capacity: 2);
        ended.Add("r-1", OnMachine);
        ended.Add("r-2", null);
        ended.Add("r-1", OnMachine with { Attempts = 2 });
        ended.Add("r-3", null);

        Assert.False(ended.Contains("r-1"));
        Assert.True(ended.Contains("r-2"));
        Assert.True(ended.Contains("r-3"));
        Assert.Null(ended.PlacementOf("r-1"));
        Assert.Null(ended.PlacementOf("r-2"));
    }

    [Fact]
    public void Adding_a_run_again_replaces_its_placement()
    {
        var ended = new RecentlyEnded(capacity: 2);
        ended.Add("r-1", null);
        ended.Add("r-1", OnMachine);

        Assert.Equal(OnMachine, ended.PlacementOf("r-1"));
    }

    [Fact]
    public void Server_chosen_run_ids_are_told_apart_exactly_from_each_other_and_from_other_spellings()
    {
        var ended = new RecentlyEnded(capacity: 8);
        var run = Ids.New("r");
        var keyed = Ids.RunFor("p-1", "order-7");
        ended.Add(run, OnMachine);
        ended.Add(keyed, null);

        Assert.Equal(OnMachine, ended.PlacementOf(run));
        Assert.True(ended.Contains(keyed));
        Assert.Null(ended.PlacementOf(keyed));
        // The same digits in capitals, or behind another prefix, are other ids.
        Assert.False(ended.Contains(run.ToUpperInvariant()));
        Assert.False(ended.Contains("x-" + run[2..]));
        Assert.False(ended.Contains(Ids.New("r")));
    }

    [Fact]
    public void After_many_more_runs_than_its_capacity_it_holds_exactly_the_newest()
    {
        var ended = new RecentlyEnded(capacity: 100);
        var runs = Enumerable.Range(0, 1_000).Select(i => i % 3 == 0 ? $"run {i}" : Ids.New("r")).ToList();
        foreach (var run in runs)
        {
            ended.Add(run, run.GetHashCode() % 2 == 0 ? OnMachine : null);
        }

        Assert.All(runs[..900], run => Assert.False(ended.Contains(run)));
        Assert.All(runs[900..], run => Assert.True(ended.Contains(run)));
        Assert.All(runs[900..], run => Assert.Equal(run.GetHashCode() % 2 == 0 ? OnMachine : null, ended.PlacementOf(run)));
    }
}
