using Xunit;

namespace MachineGrid.Grains.Tests.Machines;

public sealed class MachineViewsTests
{
    private readonly MachineState machine = new() { Created = true, Name = "m-1", Online = true, SignedInUsers = ["erin"] };

    [Fact]
    public void Maintenance_shows_whether_or_not_the_agent_beats()
    {
        Assert.Equal(MachineStatus.Online, MachineViews.Status(machine));
        machine.Maintenance = true;
        Assert.Equal(MachineStatus.Maintenance, MachineViews.Status(machine));
        machine.Online = false;
        Assert.Equal(MachineStatus.Maintenance, MachineViews.View("m-1", machine, [], null).Status);
        machine.Maintenance = false;
        Assert.Equal(MachineStatus.Offline, MachineViews.Status(machine));
    }

    [Fact]
    public void The_availability_sent_to_the_queue_does_not_follow_later_changes()
    {
        machine.FailedCredentials["c-1"] = "locked";
        var availability = MachineViews.Availability("m-1", machine);

        machine.FailedCredentials["c-2"] = "expired";
        machine.SignedInUsers.Add("frank");

        Assert.Equal(["c-1"], availability.FailedCredentials);
        Assert.Equal(["erin"], availability.SignedInUsers);
    }
}
