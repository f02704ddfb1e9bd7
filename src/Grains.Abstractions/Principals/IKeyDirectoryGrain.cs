namespace MachineGrid.Grains;

/// <summary>Looks API keys up in the storage; any silo answers (key: "environment").</summary>
[Alias("mg.IKeyDirectoryGrain")]
public interface IKeyDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The principal the key belongs to, or null.</summary>
    Task<PrincipalView?> Find(string apiKey);

    /// <summary>Whether any key is stored (false on a new store).</summary>
    Task<bool> Any();
}
