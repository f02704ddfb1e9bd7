namespace MachineGrid.Client;

public sealed partial class MachineGridClient
{
    /// <summary>
    /// Creates a machine mapping. Fails with <see cref="ErrorCodes.MachineAlreadyMapped"/> (409),
    /// <see cref="ErrorCodes.CredentialNotUsableInConnections"/> or <see cref="ErrorCodes.NestedMapping"/> (422).
    /// </summary>
    public Task<Mapping> CreateMappingAsync(CreateMappingRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "mappings", GatewayTransport.Body(request, Json.CreateMappingRequest), Json.Mapping, cancellationToken);

    /// <summary>One page of the mappings visible to the caller.</summary>
    public Task<Page<Mapping>> ListMappingsAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, "mappings" + new QueryString().Add("limit", limit).Add("cursor", cursor), null, Json.PageMapping, cancellationToken);

    /// <summary>A mapping by id.</summary>
    public Task<Mapping> GetMappingAsync(string mappingId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"mappings/{PathSegment.Of(mappingId)}", null, Json.Mapping, cancellationToken);

    /// <summary>Sets the credentials the mapping lists for one machine (adding the machine if it is not mapped yet).</summary>
    public async Task<Mapping> SetMappingMachineAsync(string mappingId, string machineId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken = default) =>
        await transport.SendForOptionalAsync(
            HttpMethod.Put,
            $"mappings/{PathSegment.Of(mappingId)}/machines/{PathSegment.Of(machineId, nameof(machineId))}",
            GatewayTransport.Body(new SetMachineCredentialsRequest(credentialIds), Json.SetMachineCredentialsRequest),
            Json.Mapping,
            cancellationToken).ConfigureAwait(false)
        ?? await GetMappingAsync(mappingId, cancellationToken).ConfigureAwait(false);

    /// <summary>Removes one machine from the mapping.</summary>
    public Task RemoveMappingMachineAsync(string mappingId, string machineId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"mappings/{PathSegment.Of(mappingId)}/machines/{PathSegment.Of(machineId, nameof(machineId))}", null, cancellationToken);

    /// <summary>Deletes a mapping.</summary>
    public Task DeleteMappingAsync(string mappingId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"mappings/{PathSegment.Of(mappingId)}", null, cancellationToken);

    /// <summary>Shares the mapping with a principal as User, UserShare or CoOwner.</summary>
    public Task ShareMappingAsync(string mappingId, string principalId, ResourceAccess access, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, $"mappings/{PathSegment.Of(mappingId)}/shares", GatewayTransport.Body(new ShareRequest(principalId, access), Json.ShareRequest), cancellationToken);

    /// <summary>Removes a principal's share of the mapping.</summary>
    public Task UnshareMappingAsync(string mappingId, string principalId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Delete, $"mappings/{PathSegment.Of(mappingId)}/shares/{PathSegment.Of(principalId, nameof(principalId))}", null, cancellationToken);

    /// <summary>The mapping as a portable document, by machine and credential names.</summary>
    public Task<MappingDocument> ExportMappingAsync(string mappingId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"mappings/{PathSegment.Of(mappingId)}/export", null, Json.MappingDocument, cancellationToken);

    /// <summary>Creates a mapping from an exported document, resolving machines and credentials by name.</summary>
    public Task<Mapping> ImportMappingAsync(MappingDocument document, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "mappings/import", GatewayTransport.Body(new ImportMappingRequest(document), Json.ImportMappingRequest), Json.Mapping, cancellationToken);
}
