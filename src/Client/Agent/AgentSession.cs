namespace MachineGrid.Client;

/// <summary>A user signed in on the machine, as the agent reports it.</summary>
public sealed record AgentSession(string User);
