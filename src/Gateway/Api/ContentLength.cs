namespace MachineGrid.Gateway;

/// <summary>
/// Sends the responses of endpoints with a <c>Content-Length</c>. Results write their JSON straight to the response
/// and flush, which makes Kestrel commit the headers with chunked encoding and end the body with a second write;
/// captured first (<see cref="SizedResponseMiddleware"/>), the body goes out in one write with its headers, and the
/// client reads it in one piece.
/// </summary>
public static class ContentLength
{
    /// <summary>Buffers the response of every endpoint of the builder, so it carries its length.</summary>
    public static TBuilder WithContentLength<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(SizedResponses.Instance);
}

/// <summary>Endpoint metadata: the endpoint's responses are captured and sent with their length.</summary>
public sealed class SizedResponses
{
    /// <summary>The one instance.</summary>
    public static SizedResponses Instance { get; } = new();

    private SizedResponses()
    {
    }
}
