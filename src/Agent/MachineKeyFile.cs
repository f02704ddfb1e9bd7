namespace MachineGrid.Agent;

/// <summary>
/// A text file of machine identities, one a line: <c>machineKey fingerprint [name]</c>, separated by spaces or tabs;
/// blank lines and lines starting with <c>#</c> are skipped. A line with only a key uses <c>sim-&lt;machineId&gt;</c> as the fingerprint.
/// </summary>
public static class MachineKeyFile
{
    private static readonly char[] Separators = [' ', '\t'];

    /// <summary>Reads the identities in the file; empty when it does not exist.</summary>
    public static async Task<IReadOnlyList<MachineIdentity>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        var identities = new List<MachineIdentity>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            var fields = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#'))
            {
                continue;
            }
            identities.Add(new MachineIdentity(fields[0], fields.Length > 1 ? fields[1] : DefaultFingerprint(fields[0]), fields.Length > 2 ? fields[2] : null));
        }
        return identities;
    }

    /// <summary>Writes the identities, replacing the file; readable only by its owner where the OS allows.</summary>
    public static async Task WriteAsync(string path, IEnumerable<MachineIdentity> identities, CancellationToken cancellationToken)
    {
        var lines = identities.Select(identity => string.Join(' ', new[] { identity.MachineKey, identity.Fingerprint, identity.Name }.OfType<string>()));
        await File.WriteAllLinesAsync(path, ["# MachineGrid machine keys: machineKey fingerprint name", .. lines], cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static string DefaultFingerprint(string machineKey)
    {
        var parts = machineKey.Split('.');
        return parts.Length >= 3 ? "sim-" + string.Join('.', parts[1..^1]) : "sim-" + machineKey;
    }
}
