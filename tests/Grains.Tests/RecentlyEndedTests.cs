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
}
