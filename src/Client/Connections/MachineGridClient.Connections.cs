namespace MachineGrid.Client;

public sealed partial class MachineGridClient
{
    /// <summary>Creates a connection to a machine or group with a credential or a mapping.</summary>
    public Task<Connection> CreateConnectionAsync(CreateConnectionRequest request, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Post, "connections", GatewayTransport.Body(request, Json.CreateConnectionRequest), Json.Connection, cancellationToken);

    /// <summary>A connection by id, with its status.</summary>
    public Task<Connection> GetConnectionAsync(string connectionId, CancellationToken cancellationToken = default) =>
        transport.SendAsync(HttpMethod.Get, $"connections/{PathSegment.Of(connectionId)}", null, Json.Connection, cancellationToken);
}
