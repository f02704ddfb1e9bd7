using System.Text.Json;
using System.Text.Json.Serialization;

namespace MachineGrid.Grains;

/// <summary>
/// Source-generated JSON contracts of what is written on every run lifecycle (group, run and machine states, a group's
/// run rows, an ended run's view). The silo's state serializer tries these before reflection. Web settings, except
/// that nulls are left out: about a quarter of a run's state is null fields, and reading a missing field gives null.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GroupState))]
[JsonSerializable(typeof(GroupRunRow))]
[JsonSerializable(typeof(RunState))]
[JsonSerializable(typeof(MachineState))]
[JsonSerializable(typeof(RunView))]
internal sealed partial class GrainStateJsonContext : JsonSerializerContext;
