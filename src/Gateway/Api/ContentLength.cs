using Microsoft.AspNetCore.Http.Features;

namespace MachineGrid.Gateway;

/// <summary>
/// Sends each response of an endpoint with a <c>Content-Length</c>. Results write their JSON straight to the response
/// and flush, which makes Kestrel commit the headers with chunked encoding and end the body with a second write;
/// captured first, the body goes out in one write with its headers, and the client reads it in one piece.
/// </summary>
public static class ContentLength
{
    /// <summary>Buffers the result of every endpoint of the builder, so its response carries its length.</summary>
    public static TBuilder WithContentLength<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static async (context, next) => await next(context) switch
        {
            IResult result => new SizedResult(result),
            var other => other,
        });

    private sealed class SizedResult(IResult inner) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var features = httpContext.Features;
            var response = features.GetRequiredFeature<IHttpResponseBodyFeature>();
            using var captured = new CapturedResponseBody();
            features.Set<IHttpResponseBodyFeature>(captured);
            try
            {
                await inner.ExecuteAsync(httpContext);
            }
            finally
            {
                features.Set(response);
            }
            if (captured.Written.Length > 0)
            {
                httpContext.Response.ContentLength = captured.Written.Length;
                await response.Writer.WriteAsync(captured.Written, httpContext.RequestAborted);
            }
        }
    }
}
