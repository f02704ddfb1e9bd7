using Xunit;

namespace MachineGrid.Grains.Tests.Machines;

public sealed class MachineHeartbeatsTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan OfflineAfter = TimeSpan.FromSeconds(60);
    private readonly MachineState machine = new() { Created = true, Name = "m-1", Fingerprint = "fp-1" };
    private readonly MachineHeartbeats heartbeats;

    public MachineHeartbeatsTests() => heartbeats = new MachineHeartbeats(() => machine, new GridOptions { MachineOfflineAfter = OfflineAfter });

    [Fact]
    public void A_second_agent_is_refused_while_the_first_beats_and_taken_once_it_fell_silent()
    {
        heartbeats.Accept(Beat("agent-a"), Start);

        var clone = Assert.Throws<DomainException>(() => heartbeats.Accept(Beat("agent-b"), Start + OfflineAfter - TimeSpan.FromTicks(1)));
        Assert.Equal(DomainErrorCode.MachineIdentityConflict, clone.Code);
        Assert.Equal("agent-a", machine.AgentInstanceId);
        Assert.Equal(Start, machine.LastHeartbeat);

        Assert.True(heartbeats.Accept(Beat("agent-b"), Start + OfflineAfter));
        Assert.Equal("agent-b", machine.AgentInstanceId);
    }

    [Fact]
    public void A_fingerprint_other_than_the_registered_one_is_refused()
    {
        var conflict = Assert.Throws<DomainException>(() => heartbeats.Accept(new AgentHeartbeat("agent-a", "fp-2", []), Start));

        Assert.Equal(DomainErrorCode.MachineIdentityConflict, conflict.Code);
        Assert.False(machine.Online);
        Assert.True(heartbeats.Accept(new AgentHeartbeat("agent-a", null, []), Start));
    }

    [Fact]
    public void Only_what_the_queue_schedules_by_counts_as_a_change()
    {
        Assert.True(heartbeats.Accept(Beat("agent-a", "erin", "Erin"), Start));
        Assert.Equal(["erin"], machine.SignedInUsers);

        Assert.False(heartbeats.Accept(Beat("agent-a", "erin"), Start.AddSeconds(10)));
        Assert.Equal(Start.AddSeconds(10), machine.LastHeartbeat);
        Assert.True(heartbeats.Accept(Beat("agent-a", "erin", "frank"), Start.AddSeconds(20)));
        Assert.True(heartbeats.Accept(Beat("agent-a", "erin", "frank") with { Maintenance = true }, Start.AddSeconds(30)));
        Assert.False(heartbeats.Accept(Beat("agent-a", "erin", "frank"), Start.AddSeconds(40)));
        Assert.True(machine.Maintenance);
    }

    [Fact]
    public void The_reminder_watches_only_an_online_machine_and_finds_it_silent_at_the_offline_limit()
    {
        Assert.Equal(MachineLiveness.Unwatched, heartbeats.Check(Start));
        heartbeats.Accept(Beat("agent-a"), Start);

        Assert.Equal(MachineLiveness.Live, heartbeats.Check(Start + OfflineAfter - TimeSpan.FromTicks(1)));
        Assert.Equal(MachineLiveness.Silent, heartbeats.Check(Start + OfflineAfter));

        machine.Online = false;
        Assert.Equal(MachineLiveness.Unwatched, heartbeats.Check(Start + OfflineAfter));
    }

    private static AgentHeartbeat Beat(string agent, params string[] users) => new(agent, "fp-1", users);
}
