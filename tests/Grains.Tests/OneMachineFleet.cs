namespace MachineGrid.Grains.Tests;

/// <summary>
/// A silo on a folder of its own with one group of one online machine, for tests that open the folder again from a
/// second host as after a crash.
/// </summary>
public sealed class OneMachineFleet : IAsyncDisposable
{
    private OneMachineFleet(string data, Grid grid, string group, string machine) => (Data, Grid, Group, Machine) = (data, grid, group, machine);

    /// <summary>The silo's folder.</summary>
    public string Data { get; }

    /// <summary>The first host's grid.</summary>
    public Grid Grid { get; }

    /// <summary>The group.</summary>
    public string Group { get; }

    /// <summary>Its one machine.</summary>
    public string Machine { get; }

    /// <summary>Starts the silo and sets up the group and machine for <paramref name="owner"/>.</summary>
    public static async Task<OneMachineFleet> StartAsync(Actor owner)
    {
        var data = GridSilo.NewDataDirectory();
        var grid = new Grid(await GridSilo.StartAsync(data), owner);
        var group = await grid.CreateGroupAsync();
        var machine = (await grid.AddMachinesAsync(group, 1))[0];
        return new OneMachineFleet(data, grid, group, machine);
    }

    /// <summary>A second host on the same folder while the first still runs (see <see cref="GridSilo.OpenAfterCrashAsync"/>).</summary>
    public async Task<Grid> OpenAfterCrashAsync() => new(await GridSilo.OpenAfterCrashAsync(Data, Grid.Silo), Grid.Owner);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Grid.Silo.DisposeAsync();
}
