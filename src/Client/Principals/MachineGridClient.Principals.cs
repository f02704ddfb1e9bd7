namespace MachineGrid.Client;

public sealed partial class MachineGridClient
{
    /// <summary>Creates a principal (Environment Admin only). The returned API key is shown only this once.</summary>
    public Task<CreatedPrincipal> CreatePrincipalAsync(CreatePrincipalRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "principals", GatewayTransport.Body(request, Json.CreatePrincipalRequest), Json.CreatedPrincipal, cancellationToken);

    /// <summary>The principal the API key belongs to.</summary>
    public Task<Principal> GetMeAsync(CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, "me", null, Json.Principal, cancellationToken);
}
