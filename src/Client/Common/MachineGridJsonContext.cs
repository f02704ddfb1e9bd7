using System.Text.Json;
using System.Text.Json.Serialization;

namespace MachineGrid.Client;

/// <summary>
/// Source-generated JSON metadata for every wire shape of the REST API: camelCase names, enums as strings,
/// null properties left out of requests (so PATCH bodies only carry what changes).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDocument))]
[JsonSerializable(typeof(ShareRequest))]
[JsonSerializable(typeof(CreatePrincipalRequest))]
[JsonSerializable(typeof(CreatedPrincipal))]
[JsonSerializable(typeof(Principal))]
[JsonSerializable(typeof(CreateGroupRequest))]
[JsonSerializable(typeof(MachineGroup))]
[JsonSerializable(typeof(Page<MachineGroup>))]
[JsonSerializable(typeof(UpdateGroupRequest))]
[JsonSerializable(typeof(SetGroupPasswordRequest))]
[JsonSerializable(typeof(Page<QueuedRun>))]
[JsonSerializable(typeof(Page<GroupMachine>))]
[JsonSerializable(typeof(RegisterMachineRequest))]
[JsonSerializable(typeof(RegisteredMachine))]
[JsonSerializable(typeof(Machine))]
[JsonSerializable(typeof(Page<Machine>))]
[JsonSerializable(typeof(UpdateMachineRequest))]
[JsonSerializable(typeof(JoinGroupRequest))]
[JsonSerializable(typeof(CreateCredentialRequest))]
[JsonSerializable(typeof(Credential))]
[JsonSerializable(typeof(Page<Credential>))]
[JsonSerializable(typeof(CreateMappingRequest))]
[JsonSerializable(typeof(Mapping))]
[JsonSerializable(typeof(Page<Mapping>))]
[JsonSerializable(typeof(SetMachineCredentialsRequest))]
[JsonSerializable(typeof(MappingDocument))]
[JsonSerializable(typeof(ImportMappingRequest))]
[JsonSerializable(typeof(CreateConnectionRequest))]
[JsonSerializable(typeof(Connection))]
[JsonSerializable(typeof(SubmitRunRequest))]
[JsonSerializable(typeof(Run))]
[JsonSerializable(typeof(Page<Run>))]
[JsonSerializable(typeof(SetRunPriorityRequest))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(AgentAssignment))]
[JsonSerializable(typeof(CompleteRunRequest))]
[JsonSerializable(typeof(CredentialFailureRequest))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class MachineGridJsonContext : JsonSerializerContext;
