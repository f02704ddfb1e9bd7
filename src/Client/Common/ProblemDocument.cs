namespace MachineGrid.Client;

/// <summary>An <c>application/problem+json</c> body as the gateway sends it.</summary>
/// <param name="Type">Problem type URI.</param>
/// <param name="Title">Short summary.</param>
/// <param name="Status">HTTP status code.</param>
/// <param name="Detail">Explanation of this occurrence.</param>
/// <param name="Instance">The request it concerns.</param>
/// <param name="Code">The stable MachineGrid error code, e.g. <c>GroupFull</c>.</param>
/// <param name="Errors">Validation errors by field, when the gateway lists them.</param>
public sealed record ProblemDocument(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    string? Instance,
    string? Code,
    IReadOnlyDictionary<string, string[]>? Errors);
