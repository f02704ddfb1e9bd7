namespace MachineGrid.Gateway.Tests;

/// <summary>
/// An endpoint the fuzzer aims at. Path slots are written <c>{group}</c>, <c>{machine}</c>, …; <c>{principal}</c> is a slot whose
/// value is not looked up (an unknown principal does not make the request fail). <paramref name="Query"/> is a valid query string.
/// </summary>
public sealed record FuzzEndpoint(string Method, string Path, Field[]? Body = null, bool Agent = false, string? Query = null);
