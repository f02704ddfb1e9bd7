namespace MachineGrid.Client;

/// <summary>
/// A typed client of the MachineGrid REST API (<c>/api/v1</c>) for a user API key. Failed requests throw
/// <see cref="MachineGridException"/> with the gateway's problem details. Thread-safe.
/// </summary>
public sealed partial class MachineGridClient : IDisposable
{
    private readonly GatewayTransport transport;

    /// <summary>Uses <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the gateway's root URL (e.g. <c>http://localhost:5080/</c>). The caller keeps ownership of it.</summary>
    /// <param name="httpClient">The client to send requests with; may be shared with other keys.</param>
    /// <param name="apiKey">The principal's API key, sent as a bearer token.</param>
    public MachineGridClient(HttpClient httpClient, string apiKey)
    {
        transport = new GatewayTransport(httpClient, apiKey, ownsHttp: false);
    }

    /// <summary>Creates its own <see cref="HttpClient"/> for the gateway at <paramref name="gateway"/>; dispose the client to release it.</summary>
    /// <param name="gateway">The gateway's root URL, e.g. <c>http://localhost:5080</c>.</param>
    /// <param name="apiKey">The principal's API key, sent as a bearer token.</param>
    public MachineGridClient(Uri gateway, string apiKey)
    {
        transport = new GatewayTransport(GatewayTransport.CreateHttpClient(gateway), apiKey, ownsHttp: true);
    }

    /// <summary>Releases the <see cref="HttpClient"/> when this client created it.</summary>
    public void Dispose() => transport.Dispose();

    private static MachineGridJsonContext Json => MachineGridJsonContext.Default;
}
