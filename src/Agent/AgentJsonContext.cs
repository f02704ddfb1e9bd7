using System.Text.Json.Serialization;

namespace MachineGrid.Agent;

/// <summary>Source-generated JSON metadata for the agent's own values.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
