using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MachineGrid.Client;

/// <summary>
/// Sends JSON requests under <c>/api/v1</c> with a bearer key and maps unsuccessful responses to
/// <see cref="MachineGridException"/>. The key goes on each request, so one <see cref="HttpClient"/> can serve many keys.
/// </summary>
internal sealed class GatewayTransport : IDisposable
{
    /// <summary>Sent as it is, so no request parses or stores it as header values of its own.</summary>
    private const string Accept = "application/json, application/problem+json";
    private static readonly MediaTypeHeaderValue JsonBodyType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly Uri apiBase;
    private readonly AuthenticationHeaderValue authorization;

    /// <summary>Uses <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the gateway's root URL.</summary>
    public GatewayTransport(HttpClient http, string key, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var root = http.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress: the gateway's root URL.", nameof(http));
        this.http = http;
        this.ownsHttp = ownsHttp;
        apiBase = new Uri(WithTrailingSlash(root), "api/v1/");
        authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>Creates an <see cref="HttpClient"/> for the gateway at <paramref name="gateway"/>.</summary>
    public static HttpClient CreateHttpClient(Uri gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        return new HttpClient(handler) { BaseAddress = WithTrailingSlash(gateway), Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <summary>Sends a request and reads the JSON response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var result = await SendForOptionalAsync(method, path, content, responseType, cancellationToken).ConfigureAwait(false);
        return result ?? throw new MachineGridException(HttpStatusCode.NoContent, code: null, "Empty response", $"{method} {path} returned no body where one was expected.");
    }

    /// <summary>Sends a request and reads the JSON response; null when the response has no body (e.g. 204).</summary>
    public Task<TResponse?> SendForOptionalAsync<TResponse>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendForOptionalAsync(method, Resolve(path), content, responseType, cancellationToken);

    /// <summary>Sends a request to <paramref name="uri"/> (from <see cref="Resolve"/>) and reads the JSON response; null when the response has no body.</summary>
    public async Task<TResponse?> SendForOptionalAsync<TResponse>(HttpMethod method, Uri uri, HttpContent? content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, uri, content, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return default;
        }
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return bytes.Length == 0 ? default : JsonSerializer.Deserialize(bytes, responseType);
    }

    /// <summary>Sends a request and ignores the response body.</summary>
    public async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, Resolve(path), content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The absolute URL of <paramref name="path"/> under <c>/api/v1</c>, for a caller that sends to it often.</summary>
    public Uri Resolve(string path) => new(apiBase, path);

    /// <summary>
    /// A JSON request body, serialized up front so it goes with a <c>Content-Length</c> in the request's one write
    /// (a streamed <see cref="JsonContent"/> would be sent chunked).
    /// </summary>
    public static HttpContent Body<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = JsonBodyType;
        return content;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Authorization = authorization;
        request.Headers.TryAddWithoutValidation("Accept", Accept);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ProblemReader.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
