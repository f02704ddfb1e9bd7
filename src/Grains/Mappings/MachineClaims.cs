
namespace MachineGrid.Grains;

/// <summary>
/// Claims machines for a mapping, all or none. Machines are claimed one at a time in ordinal id order, so when two
/// mappings race for overlapping machines both meet at the lowest shared machine: one wins it, the other stops there
/// and releases what it holds, and so exactly one of them gets all its machines.
/// </summary>
internal static class MachineClaims
{
    /// <summary>Claims every machine for the mapping; on a refusal releases the ones already claimed and rethrows.</summary>
    public static async Task ClaimAll(IGrainFactory grains, string mappingId, IEnumerable<string> machineIds)
    {
        var claimed = new List<string>();
        try
        {
            foreach (var machineId in machineIds.Order(StringComparer.Ordinal))
            {
                await grains.GetGrain<IMachineGrain>(machineId).ClaimForMapping(mappingId);
                claimed.Add(machineId);
            }
        }
        catch
        {
            await ReleaseAll(grains, mappingId, claimed);
            throw;
        }
    }

    /// <summary>Releases the mapping's claim on each machine (machines that no longer exist are skipped).</summary>
    public static Task ReleaseAll(IGrainFactory grains, string mappingId, IEnumerable<string> machineIds) =>
        Task.WhenAll(machineIds.Select(machineId => Release(grains, mappingId, machineId)));

    private static async Task Release(IGrainFactory grains, string mappingId, string machineId)
    {
        try
        {
            await grains.GetGrain<IMachineGrain>(machineId).ReleaseFromMapping(mappingId);
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.NotFound)
        {
            // A deleted machine holds no claim.
        }
    }
}
