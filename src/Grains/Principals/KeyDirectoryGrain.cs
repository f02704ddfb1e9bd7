namespace MachineGrid.Grains;

[StatelessWorker]
[Reentrant]
internal sealed class KeyDirectoryGrain(ApiKeys keys) : Grain, IKeyDirectoryGrain
{
    public Task<PrincipalView?> Find(string apiKey) => keys.FindAsync(apiKey);

    public Task<bool> Any() => keys.AnyAsync();
}
