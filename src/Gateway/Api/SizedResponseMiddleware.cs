using Microsoft.AspNetCore.Http.Features;

namespace MachineGrid.Gateway;

/// <summary>
/// For endpoints marked <see cref="SizedResponses"/>: captures what the endpoint writes, then sends it with a
/// <c>Content-Length</c> in one write. A response the endpoint ends with an exception is dropped; the exception
/// handler then writes its problem to the real body.
/// </summary>
public sealed class SizedResponseMiddleware(RequestDelegate next)
{
    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<SizedResponses>() is null ? next(context) : CaptureAsync(context);

    private async Task CaptureAsync(HttpContext context)
    {
        var features = context.Features;
        var response = features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var captured = new CapturedResponseBody();
        features.Set<IHttpResponseBodyFeature>(captured);
        try
        {
            await next(context);
        }
        finally
        {
            features.Set(response);
        }
        if (captured.Written.Length > 0)
        {
            context.Response.ContentLength = captured.Written.Length;
            await response.Writer.WriteAsync(captured.Written, context.RequestAborted);
        }
    }
}
