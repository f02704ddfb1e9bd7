namespace MachineGrid.Grains;

/// <summary>Whose key a revocation is about.</summary>
/// <param name="Kind">A principal (user API key) or a machine (machine key).</param>
/// <param name="Id">The principal's or machine's id.</param>
[GenerateSerializer, Immutable, Alias("mg.KeyHolder")]
public sealed record KeyHolder(KeyHolderKind Kind, string Id);
