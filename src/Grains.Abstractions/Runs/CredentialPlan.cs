namespace MachineGrid.Grains;

/// <summary>
/// Which credentials a run may use on which machine: the machine's own list when it has one, else the default.
/// A single credential is a plan with only a default.
/// </summary>
/// <param name="SourceId">The credential or mapping the plan comes from.</param>
/// <param name="Default">Used on machines without their own list; null when such machines cannot be used.</param>
/// <param name="PerMachine">Machine id → the credentials mapped to it.</param>
[GenerateSerializer, Immutable, Alias("mg.CredentialPlan")]
public sealed record CredentialPlan(string SourceId, CredentialOption? Default, IReadOnlyDictionary<string, IReadOnlyList<CredentialOption>> PerMachine)
{
    /// <summary>The credentials usable on a machine.</summary>
    public IReadOnlyList<CredentialOption> For(string machineId) =>
        PerMachine.TryGetValue(machineId, out var mapped) ? mapped : Default is null ? [] : [Default];

    /// <summary>Every credential the plan offers, each once.</summary>
    public IEnumerable<CredentialOption> Options()
    {
        var mapped = PerMachine.Values.SelectMany(options => options);
        return (Default is null ? mapped : mapped.Prepend(Default)).DistinctBy(option => option.CredentialId);
    }

    /// <summary>Whether it offers no credential on any machine.</summary>
    public bool OffersNone() => Default is null && PerMachine.Values.All(options => options.Count == 0);

    /// <summary>The plan without the credentials <paramref name="credentialIds"/>; a machine whose own list loses all of its credentials gets none.</summary>
    public CredentialPlan Without(IReadOnlySet<string> credentialIds) => new(
        SourceId,
        Default is { } fallback && credentialIds.Contains(fallback.CredentialId) ? null : Default,
        PerMachine.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<CredentialOption>)[.. pair.Value.Where(option => !credentialIds.Contains(option.CredentialId))]));

    /// <summary>Whether <paramref name="other"/> offers exactly the same credentials on the same machines.</summary>
    public bool SameAs(CredentialPlan other) =>
        ReferenceEquals(this, other)
        || SourceId == other.SourceId
        && Default == other.Default
        && PerMachine.Count == other.PerMachine.Count
        && PerMachine.All(pair => other.PerMachine.TryGetValue(pair.Key, out var options) && options.SequenceEqual(pair.Value));
}
