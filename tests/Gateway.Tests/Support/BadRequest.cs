using System.Net.Http.Headers;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// A generated request that must fail, and why. <paramref name="BareRejectAllowed"/> marks requests Kestrel itself may refuse
/// (a NUL in the path) with an empty 400 before any middleware runs.
/// </summary>
public sealed record BadRequest(
    HttpMethod Method,
    string Path,
    string? Body,
    string MediaType,
    AuthenticationHeaderValue? Authorization,
    bool ExpectContinue,
    bool BareRejectAllowed,
    string Why)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Method} {Path} [{Why}] auth={Authorization?.Scheme} {Authorization?.Parameter?[..Math.Min(20, Authorization.Parameter.Length)]} " +
        $"type={MediaType} body={(Body is null ? "none" : Body.Length > 300 ? Body[..300] + $"…({Body.Length} chars)" : Body)}";
}
