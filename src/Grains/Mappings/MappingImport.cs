namespace MachineGrid.Grains;

/// <summary>Turns an exported mapping back into a create request by finding its machines and credentials by name.</summary>
internal static class MappingImport
{
    /// <summary>The request the export stands for; a <see cref="DomainErrorCode.Validation"/> error names every name not found.</summary>
    public static CreateMapping ToRequest(MappingExport document, IReadOnlyDictionary<string, string> machineIdsByName, IReadOnlyDictionary<string, string> credentialIdsByName)
    {
        if (document?.Machines is not { } exported || document.DefaultCredentialName is not { } defaultName)
        {
            throw Invalid("An export document needs a default credential name and a list of machines.");
        }
        if (machineIdsByName is null || credentialIdsByName is null)
        {
            throw Invalid("The machine and credential name tables are required.");
        }
        if (exported.Any(m => m?.MachineName is null || m.CredentialNames is null || m.CredentialNames.Any(name => name is null)))
        {
            throw Invalid("Every exported machine needs a name and a list of credential names.");
        }

        var missingMachines = exported.Select(m => m.MachineName).Where(name => !machineIdsByName.ContainsKey(name)).Distinct().ToList();
        var missingCredentials = exported.SelectMany(m => m.CredentialNames).Prepend(defaultName)
            .Where(name => !credentialIdsByName.ContainsKey(name)).Distinct().ToList();
        if (missingMachines.Count > 0 || missingCredentials.Count > 0)
        {
            throw Invalid(Missing(missingMachines, missingCredentials));
        }

        var machines = exported
            .Select(m => new MachineCredentials(machineIdsByName[m.MachineName], [.. m.CredentialNames.Select(name => credentialIdsByName[name])]))
            .ToList();
        return new CreateMapping(document.Name, document.Description, credentialIdsByName[defaultName], machines);
    }

    private static DomainException Invalid(string message) => new(DomainErrorCode.Validation, message);

    private static string Missing(List<string> machines, List<string> credentials)
    {
        var parts = new List<string>();
        if (machines.Count > 0)
        {
            parts.Add($"no machine you can use is named {Quote(machines)}");
        }
        if (credentials.Count > 0)
        {
            parts.Add($"no credential you can use is named {Quote(credentials)}");
        }
        return $"Cannot import the mapping: {string.Join("; ", parts)}.";
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
