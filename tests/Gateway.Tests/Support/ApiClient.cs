using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MachineGrid.Gateway.Tests;

/// <summary>Talks to the gateway over HTTP as one caller (one key, or none) and reports every exchange to an optional observer.</summary>
public sealed class ApiClient(HttpClient http, Action<ApiResponse>? observe = null)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The underlying client.</summary>
    public HttpClient Http { get; } = http;

    /// <summary><c>GET</c>.</summary>
    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary><c>POST</c> with a JSON body (serialized with web defaults), or none.</summary>
    public Task<ApiResponse> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body);

    /// <summary><c>PUT</c> with a JSON body.</summary>
    public Task<ApiResponse> PutAsync(string path, object? body) => SendAsync(HttpMethod.Put, path, body);

    /// <summary><c>PATCH</c> with a JSON body.</summary>
    public Task<ApiResponse> PatchAsync(string path, object? body) => SendAsync(HttpMethod.Patch, path, body);

    /// <summary><c>DELETE</c>.</summary>
    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Sends <paramref name="body"/> as JSON (no body when null).</summary>
    public Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null) =>
        SendRawAsync(method, path, body is null ? null : JsonSerializer.Serialize(body, Options));

    /// <summary>Sends the body text as is, with the given media type.</summary>
    public Task<ApiResponse> SendRawAsync(HttpMethod method, string path, string? body, string mediaType = "application/json") =>
        SendAsync(method, path, body is null ? null : new StringContent(body, Encoding.UTF8, mediaType));

    /// <summary>
    /// Sends any content, with an optional Authorization header overriding the client's. With <paramref name="expectContinue"/>
    /// the body waits for the server's <c>100 Continue</c>, so a server that refuses it early (413) is heard instead of
    /// breaking the upload.
    /// </summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content, AuthenticationHeaderValue? authorization = null, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }
        if (expectContinue)
        {
            request.Headers.ExpectContinue = true;
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var result = new ApiResponse(method, path, response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
        observe?.Invoke(result);
        return result;
    }
}
