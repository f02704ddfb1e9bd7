using System.Net;
using System.Text.Json;

namespace MachineGrid.Gateway.Tests;

/// <summary>One HTTP exchange as a test sees it: what was asked, the status, the media type and the whole body text.</summary>
public sealed class ApiResponse(HttpMethod method, string path, HttpStatusCode status, string? mediaType, string body)
{
    private JsonElement? json;

    /// <summary>The request method.</summary>
    public HttpMethod Method { get; } = method;

    /// <summary>The request path, relative to the gateway.</summary>
    public string Path { get; } = path;

    /// <summary>The response status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>The response's media type, e.g. <c>application/problem+json</c>.</summary>
    public string? MediaType { get; } = mediaType;

    /// <summary>The response body text (empty when there is none).</summary>
    public string Body { get; } = body;

    /// <summary>The body as JSON.</summary>
    public JsonElement Json => json ??= JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The problem's <c>code</c>, or null when the body is no problem.</summary>
    public string? Code =>
        MediaType == "application/problem+json" && Json.TryGetProperty("code", out var code) ? code.GetString() : null;

    /// <summary>A string property of the body.</summary>
    public string Text(string property) => Json.GetProperty(property).GetString()
        ?? throw new Xunit.Sdk.XunitException($"{property} is null in {this}");

    /// <summary>The <c>id</c> of the body.</summary>
    public string Id => Text("id");

    /// <summary>The <c>items</c> of a list body.</summary>
    public IReadOnlyList<JsonElement> Items => [.. Json.GetProperty("items").EnumerateArray()];

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} -> {(int)Status} {MediaType}: {(Body.Length > 2000 ? Body[..2000] + "…" : Body)}";
}
