using Xunit;

namespace MachineGrid.Grains.Tests;

/// <summary>Credentials, mappings and connections on a test grid.</summary>
public static class CredentialScenarios
{
    /// <summary>The secret every credential made by <see cref="CredentialAsync"/> gets.</summary>
    public static string SecretOf(string name) => $"pw-{name}-Zq81";

    public static ICredentialGrain Credential(this Grid grid, string id) => grid.Grains.GetGrain<ICredentialGrain>(id);

    public static IMachineMappingGrain Mapping(this Grid grid, string id) => grid.Grains.GetGrain<IMachineMappingGrain>(id);

    public static IConnectionGrain Connection(this Grid grid, string id) => grid.Grains.GetGrain<IConnectionGrain>(id);

    /// <summary>Creates a Local credential owned by <paramref name="owner"/> (the grid owner by default).</summary>
    public static async Task<string> CredentialAsync(this Grid grid, string name, bool usable = true, Actor? owner = null)
    {
        var id = Ids.New("cred");
        await grid.Credential(id).Create(owner ?? grid.Owner, new CreateCredential(name, $"user-{name}", CredentialStore.Local, SecretOf(name), null, usable));
        return id;
    }

    /// <summary>Creates a mapping owned by <paramref name="owner"/> (the grid owner by default).</summary>
    public static async Task<string> MappingAsync(this Grid grid, string defaultCredential, IReadOnlyList<MachineCredentials> machines, Actor? owner = null)
    {
        var id = Ids.New("map");
        await grid.Mapping(id).Create(owner ?? grid.Owner, new CreateMapping("mapping", null, defaultCredential, machines));
        return id;
    }

    public static MachineCredentials Map(string machineId, params string[] credentialIds) => new(machineId, credentialIds);

    /// <summary>Awaits a call that must be refused and returns the refusal.</summary>
    public static Task<DomainException> Refused(Func<Task> call) => Assert.ThrowsAsync<DomainException>(call);

    /// <summary>Whether a machine can still be claimed: a fresh mapping takes it (and is deleted again).</summary>
    public static async Task<bool> IsFreeAsync(this Grid grid, string machineId, string credentialId)
    {
        var probe = Ids.New("map");
        try
        {
            await grid.Mapping(probe).Create(grid.Owner, new CreateMapping("probe", null, credentialId, [Map(machineId, credentialId)]));
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.MachineAlreadyMapped)
        {
            return false;
        }
        await grid.Mapping(probe).Delete(grid.Owner);
        return true;
    }
}
