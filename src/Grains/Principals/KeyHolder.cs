namespace MachineGrid.Grains;

/// <summary>Whose key a <see cref="KeyRevocations"/> notice is about.</summary>
/// <param name="Kind">A principal (user API key) or a machine (machine key).</param>
/// <param name="Id">The principal's or machine's id.</param>
public sealed record KeyHolder(KeyHolderKind Kind, string Id);
