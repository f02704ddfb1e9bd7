namespace MachineGrid.Client;

/// <summary>
/// Sends each request to one of several gateways of the same cluster (any silo serves every request): to the last one that
/// answered, and when it cannot be reached (no HTTP response at all, e.g. its silo died), to the next one, until each was
/// tried once. An HTTP error response is returned as it is. Requests keep their path and query; only the scheme, host and
/// port change, so give gateways as roots. Bodies must be buffered (the clients' are) to be sent again.
/// </summary>
public sealed class GatewayFailoverHandler : DelegatingHandler
{
    private readonly Uri[] gateways;
    private int current;

    /// <summary>Fails over between <paramref name="gateways"/>, the first one first.</summary>
    /// <param name="gateways">The gateways' root URLs, e.g. <c>http://10.0.0.1:5080</c>.</param>
    /// <param name="innerHandler">Sends the requests; a new <see cref="SocketsHttpHandler"/> when null.</param>
    public GatewayFailoverHandler(IEnumerable<Uri> gateways, HttpMessageHandler? innerHandler = null)
        : base(innerHandler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
    {
        ArgumentNullException.ThrowIfNull(gateways);
        this.gateways = [.. gateways];
        if (this.gateways.Length == 0 || this.gateways.Any(g => !g.IsAbsoluteUri))
        {
            throw new ArgumentException("Give at least one gateway, each as an absolute URL.", nameof(gateways));
        }
    }

    /// <summary>The gateway requests go to now.</summary>
    public Uri Current => gateways[Volatile.Read(ref current)];

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.RequestUri ?? throw new ArgumentException("The request has no URL.", nameof(request));
        var first = Volatile.Read(ref current);
        for (var tried = 0; ; tried++)
        {
            var index = (first + tried) % gateways.Length;
            request.RequestUri = On(gateways[index], target);
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref current, index);
                return response;
            }
            catch (HttpRequestException) when (tried + 1 < gateways.Length && !cancellationToken.IsCancellationRequested)
            {
                // Unreachable: try the next gateway.
            }
        }
    }

    private static Uri On(Uri gateway, Uri target) =>
        new UriBuilder(target) { Scheme = gateway.Scheme, Host = gateway.Host, Port = gateway.Port }.Uri;
}
