namespace MachineGrid.Gateway;

/// <summary>What the silo stores in, for the Silos page (never a connection string's password).</summary>
public sealed record StorageDescription(string Text);
