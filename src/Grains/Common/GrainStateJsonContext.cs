using System.Text.Json;
using System.Text.Json.Serialization;

namespace MachineGrid.Grains;

/// <summary>
/// Source-generated JSON contracts of the grain states written on every run lifecycle (group, run, machine). The silo's
/// state serializer tries these before reflection; with the same (web) settings the stored JSON is unchanged, but
/// writing it skips the reflection-based converters.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GroupState))]
[JsonSerializable(typeof(GroupRunRow))]
[JsonSerializable(typeof(RunState))]
[JsonSerializable(typeof(MachineState))]
internal sealed partial class GrainStateJsonContext : JsonSerializerContext;
