using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using MachineGrid.Client;

namespace MachineGrid.Agent;

/// <summary>
/// Prepares a fleet: reuses the machine keys of the key file, registers the machines still missing (writing them to the key file),
/// finds the group by name or creates it (setting its password), and joins every machine to it.
/// </summary>
public static class FleetSetup
{
    private const int Parallelism = 8;

    /// <summary>The agent version machines register with.</summary>
    public static string AgentVersion { get; } =
        typeof(FleetSetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Provisions the fleet the options describe and returns the identities of its machines.</summary>
    /// <exception cref="InvalidOperationException">The options ask for something that needs a user key and none was given.</exception>
    /// <exception cref="MachineGridException">The gateway refused a step.</exception>
    public static async Task<IReadOnlyList<MachineIdentity>> ProvisionAsync(FleetOptions options, HttpClient http, TextWriter log, CancellationToken cancellationToken)
    {
        var identities = options.MachineKeysFile is null
            ? []
            : (await MachineKeyFile.ReadAsync(options.MachineKeysFile, cancellationToken).ConfigureAwait(false)).ToList();
        var wanted = options.Machines ?? Math.Max(identities.Count, 1);
        if (identities.Count > wanted)
        {
            identities = identities[..wanted];
        }
        else if (identities.Count > 0)
        {
            log.WriteLine($"Reusing {identities.Count} machine key(s) from {options.MachineKeysFile}.");
        }
        using var user = options.UserKey is null ? null : new MachineGridClient(http, options.UserKey);
        if (identities.Count < wanted)
        {
            var registrar = user ?? throw new InvalidOperationException("--key (a user API key) is needed to register machines; or pass --machine-keys with enough keys.");
            var added = await RegisterAsync(registrar, options, identities.Count, wanted - identities.Count, cancellationToken).ConfigureAwait(false);
            identities.AddRange(added);
            log.WriteLine($"Registered {added.Count} {options.Kind} machine(s) named {options.NamePrefix}-NNN.");
            if (options.MachineKeysFile is not null)
            {
                await MachineKeyFile.WriteAsync(options.MachineKeysFile, identities, cancellationToken).ConfigureAwait(false);
                log.WriteLine($"Wrote {identities.Count} machine key(s) to {options.MachineKeysFile}.");
            }
        }
        if (options.GroupName is not null)
        {
            var owner = user ?? throw new InvalidOperationException("--key (a user API key) is needed to find or create the group and join machines to it.");
            var group = await FindOrCreateGroupAsync(owner, options, log, cancellationToken).ConfigureAwait(false);
            await JoinAllAsync(owner, group, options.GroupPassword ?? "", identities, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"{identities.Count} machine(s) are in group '{group.Name}' ({group.Id}).");
        }
        return identities;
    }

    private static async Task<IReadOnlyList<MachineIdentity>> RegisterAsync(MachineGridClient user, FleetOptions options, int first, int count, CancellationToken cancellationToken)
    {
        var registered = new ConcurrentDictionary<int, MachineIdentity>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(first + 1, count), parallel, async (number, ct) =>
        {
            var name = $"{options.NamePrefix}-{number:D3}";
            var fingerprint = "sim-" + Guid.NewGuid().ToString("N");
            var request = new RegisterMachineRequest(
                name,
                options.Kind,
                AgentVersion,
                RuntimeInformation.OSDescription,
                fingerprint,
                Description: "Simulated by MachineGrid.Agent",
                MaxSessions: options.Kind == MachineKind.Server ? options.MaxConcurrentRuns : null);
            var machine = await user.RegisterMachineAsync(request, ct).ConfigureAwait(false);
            registered[number] = new MachineIdentity(machine.MachineKey, fingerprint, name);
        }).ConfigureAwait(false);
        return [.. registered.OrderBy(pair => pair.Key).Select(pair => pair.Value)];
    }

    private static async Task<MachineGroup> FindOrCreateGroupAsync(MachineGridClient user, FleetOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var name = options.GroupName!;
        await foreach (var existing in user.GetAllGroupsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(existing.Name, name, StringComparison.Ordinal))
            {
                log.WriteLine($"Using group '{name}' ({existing.Id}).");
                return existing;
            }
        }
        var group = await user.CreateGroupAsync(new CreateGroupRequest(name, "Created by MachineGrid.Agent"), cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.GroupPassword))
        {
            await user.SetGroupPasswordAsync(group.Id, options.GroupPassword, cancellationToken).ConfigureAwait(false);
        }
        log.WriteLine($"Created group '{name}' ({group.Id}).");
        return group;
    }

    private static async Task JoinAllAsync(MachineGridClient user, MachineGroup group, string password, IReadOnlyList<MachineIdentity> identities, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(identities, parallel, async (identity, ct) =>
        {
            var machineId = AgentClient.MachineIdOf(identity.MachineKey)
                ?? throw new InvalidOperationException($"The machine key of {identity.Name ?? "a machine"} does not name its machine (expected mk.<machineId>.<secret>).");
            try
            {
                await user.JoinGroupAsync(machineId, group.Id, password, ct).ConfigureAwait(false);
            }
            catch (MachineGridException)
            {
                var machine = await user.GetMachineAsync(machineId, ct).ConfigureAwait(false);
                if (machine.GroupId != group.Id)
                {
                    throw;
                }
            }
        }).ConfigureAwait(false);
    }
}
