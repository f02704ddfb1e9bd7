using Xunit;

namespace MachineGrid.Grains.Tests.Machines;

public sealed class MachineSettingsTests
{
    private readonly MachineState machine = new();
    private readonly MachineSettings settings;

    public MachineSettingsTests() => settings = new MachineSettings(() => machine, new GridOptions { MaxSessionsPerMachine = 4 });

    [Fact]
    public void A_desktop_runs_exactly_one_session_and_a_server_up_to_the_limit()
    {
        var desktop = Assert.Throws<DomainException>(() => settings.Register(Registration(MachineKind.Desktop, 2)));
        Assert.Equal(DomainErrorCode.Validation, desktop.Code);
        var server = Assert.Throws<DomainException>(() => settings.Register(Registration(MachineKind.Server, 5)));
        Assert.Equal("maxSessions must be 1 to 4.", server.Message);

        settings.Register(Registration(MachineKind.Server, null));
        Assert.Equal(1, machine.MaxSessions);
        settings.Register(Registration(MachineKind.Server, 4));
        Assert.Equal(4, machine.MaxSessions);
        Assert.Equal("m-1", machine.Name);
    }

    [Fact]
    public void A_refused_update_changes_nothing_and_an_update_keeps_what_it_leaves_out()
    {
        settings.Register(Registration(MachineKind.Server, 3));

        Assert.Throws<DomainException>(() => settings.Update(new UpdateMachine("changed", true, 0)));

        Assert.Equal("first", machine.Description);
        Assert.Equal(3, machine.MaxSessions);
        Assert.False(machine.Maintenance);

        settings.Update(new UpdateMachine(null, true, null));

        Assert.Equal("first", machine.Description);
        Assert.Equal(3, machine.MaxSessions);
        Assert.True(machine.Maintenance);
    }

    private static RegisterMachine Registration(MachineKind kind, int? maxSessions) =>
        new(" m-1 ", "first", kind, maxSessions, "1.0", "Windows", "fp-1");
}
