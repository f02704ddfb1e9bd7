namespace MachineGrid.Client;

public sealed partial class MachineGridClient
{
    /// <summary>Creates a credential. Its secret is write-only: no response ever carries it.</summary>
    public Task<Credential> CreateCredentialAsync(CreateCredentialRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "credentials", GatewayTransport.Body(request, Json.CreateCredentialRequest), Json.Credential, cancellationToken);

    /// <summary>One page of the credentials visible to the caller.</summary>
    public Task<Page<Credential>> ListCredentialsAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, "credentials" + new QueryString().Add("limit", limit).Add("cursor", cursor), null, Json.PageCredential, cancellationToken);

    /// <summary>A credential by id.</summary>
    public Task<Credential> GetCredentialAsync(string credentialId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"credentials/{PathSegment.Of(credentialId)}", null, Json.Credential, cancellationToken);

    /// <summary>Deletes a credential.</summary>
    public Task DeleteCredentialAsync(string credentialId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"credentials/{PathSegment.Of(credentialId)}", null, cancellationToken);

    /// <summary>Shares the credential with a principal as User, UserShare or CoOwner.</summary>
    public Task ShareCredentialAsync(string credentialId, string principalId, ResourceAccess access, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, $"credentials/{PathSegment.Of(credentialId)}/shares", GatewayTransport.Body(new ShareRequest(principalId, access), Json.ShareRequest), cancellationToken);

    /// <summary>Removes a principal's share of the credential.</summary>
    public Task UnshareCredentialAsync(string credentialId, string principalId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"credentials/{PathSegment.Of(credentialId)}/shares/{PathSegment.Of(principalId, nameof(principalId))}", null, cancellationToken);
}
