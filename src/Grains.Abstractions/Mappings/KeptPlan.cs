namespace MachineGrid.Grains;

/// <summary>A mapping's plan as a connection may keep it: until <paramref name="KeepUntil"/>, or until the mapping changes.</summary>
/// <param name="Plan">The credentials to use, by machine.</param>
/// <param name="KeepUntil">When the plan's credentials are to be asked again.</param>
[GenerateSerializer, Immutable, Alias("mg.KeptPlan")]
public sealed record KeptPlan(CredentialPlan Plan, DateTimeOffset KeepUntil);
