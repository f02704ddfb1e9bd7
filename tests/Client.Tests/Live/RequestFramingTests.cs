using Xunit;

namespace MachineGrid.Client.Tests;

/// <summary>The client sends its JSON bodies with their length, so the gateway reads a plain body instead of chunks.</summary>
[Collection(LiveGatewayCollection.Name)]
public sealed class RequestFramingTests(LiveGateway gateway)
{
    [Fact]
    public async Task A_request_body_goes_with_its_length_and_the_gateway_accepts_it()
    {
        var seen = new SeenRequests { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(seen) { BaseAddress = gateway.Address };
        using var admin = new MachineGridClient(http, gateway.AdminKey);
        var name = "g-" + Guid.NewGuid().ToString("N")[..8];

        var created = await admin.CreateGroupAsync(new CreateGroupRequest(name, "sized"));

        Assert.Equal(name, created.Name);
        var (length, body, chunked) = Assert.Single(seen.Bodies);
        Assert.Equal(body.Length, length);
        Assert.Contains(name, System.Text.Encoding.UTF8.GetString(body));
        Assert.NotEqual(true, chunked);
    }

    private sealed class SeenRequests : DelegatingHandler
    {
        public List<(long? Length, byte[] Body, bool? Chunked)> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                Bodies.Add((content.Headers.ContentLength, await content.ReadAsByteArrayAsync(cancellationToken), request.Headers.TransferEncodingChunked));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
