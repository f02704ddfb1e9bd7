namespace MachineGrid.Gateway.Tests;

/// <summary>
/// A body field as the gateway binds it. <paramref name="Required"/> means non-nullable on the wire (null is refused);
/// <paramref name="Values"/> are an enum's names; <paramref name="Refused"/> are further values the domain refuses (out-of-range
/// numbers, enum names not allowed here); <paramref name="Fields"/> describe a nested object.
/// </summary>
public sealed record Field(string Name, FieldKind Kind, bool Required = true, string[]? Values = null, object[]? Refused = null, Field[]? Fields = null);
