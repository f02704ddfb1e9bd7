using MachineGrid.Client;

namespace MachineGrid.Bench.Lifecycle;

/// <summary>
/// Provisions the fleet over the REST API with the admin key: per group, the group, its machines (registered and
/// joined), one credential per machine session, a mapping and a connection.
/// </summary>
public sealed class HttpFleet
{
    private const string Password = "benchmark password";
    private const int Parallelism = 8;

    /// <summary>The connection of each group.</summary>
    public required IReadOnlyList<string> Connections { get; init; }

    /// <summary>Every machine: its key and the fingerprint it registered with.</summary>
    public required IReadOnlyList<(string Key, string Fingerprint)> Machines { get; init; }

    /// <summary>Creates the fleet the options describe.</summary>
    public static async Task<HttpFleet> ProvisionAsync(MachineGridClient admin, LifecycleOptions options)
    {
        var groups = new (string Connection, (string Key, string Fingerprint)[] Machines)[options.Groups];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Groups), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (number, ct) => groups[number] = await ProvisionGroupAsync(admin, number, options, ct));
        return new HttpFleet { Connections = [.. groups.Select(g => g.Connection)], Machines = [.. groups.SelectMany(g => g.Machines)] };
    }

    private static async Task<(string, (string, string)[])> ProvisionGroupAsync(MachineGridClient admin, int number, LifecycleOptions options, CancellationToken ct)
    {
        var group = await admin.CreateGroupAsync(new CreateGroupRequest($"bench-group-{number}"), ct);
        var kind = options.Sessions > 1 ? MachineKind.Server : MachineKind.Desktop;
        var machines = new (string Key, string Fingerprint)[options.MachinesPerGroup];
        var mapped = new List<MachineCredentials>();
        string? firstCredential = null;
        for (var i = 0; i < machines.Length; i++)
        {
            var fingerprint = $"fp-{Guid.NewGuid():N}";
            var machine = await admin.RegisterMachineAsync(new RegisterMachineRequest($"bench-{number}-{i}", kind, "bench", "Linux", fingerprint,
                MaxSessions: options.Sessions > 1 ? options.Sessions : null), ct);
            await admin.JoinGroupAsync(machine.Id, group.Id, Password, ct);
            machines[i] = (machine.MachineKey, fingerprint);
            var credentials = new List<string>();
            for (var s = 0; s < options.Sessions; s++)
            {
                var credential = await admin.CreateCredentialAsync(new CreateCredentialRequest($"robot {number}-{i}-{s}", $"robot-{number}-{i}-{s}", CredentialStore.Local, $"secret-{number}-{i}-{s}"), ct);
                credentials.Add(credential.Id);
                firstCredential ??= credential.Id;
            }
            mapped.Add(new MachineCredentials(machine.Id, credentials));
        }
        var mapping = await admin.CreateMappingAsync(new CreateMappingRequest($"bench-mapping-{number}", firstCredential!, mapped), ct);
        var connection = await admin.CreateConnectionAsync(new CreateConnectionRequest($"bench-connection-{number}", ConnectionTarget.Group(group.Id), MappingId: mapping.Id), ct);
        return (connection.Id, machines);
    }
}
