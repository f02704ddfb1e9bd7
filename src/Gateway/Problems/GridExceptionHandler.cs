using System.Text.Json;
using MachineGrid.Grains;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MachineGrid.Gateway;

/// <summary>Turns domain errors, bad requests, timeouts and an unavailable cluster into problem responses with a stable <c>code</c>.</summary>
public sealed class GridExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail) = exception switch
        {
            DomainException domain => (ProblemCodes.StatusOf(domain.Code), domain.Code.ToString(), domain.Message),
            BadHttpRequestException bad => (bad.StatusCode, "Validation", Describe(bad)),
            JsonException json => (StatusCodes.Status400BadRequest, "Validation", Describe(json)),
            TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Timeout", "The grid did not answer in time; the outcome is unknown, retry with the same ids."),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "Cancelled", "The client went away."),
            // The silo is stopping, a silo died, or the storage is down: nothing was acknowledged, so retrying is safe.
            Orleans.Runtime.OrleansException => (StatusCodes.Status503ServiceUnavailable, "Unavailable",
                "The grid is unavailable for a moment (a silo is stopping or its storage is unreachable); retry with the same ids."),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = code,
                Detail = detail,
                Extensions = { ["code"] = code },
            },
        });
    }

    private static string Describe(BadHttpRequestException bad) =>
        bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large."
        : bad.InnerException is JsonException json ? Describe(json)
        : bad.Message;

    /// <summary>The reader's message, which names the JSON path; a refused enum value gets the path of its field in front.</summary>
    private static string Describe(JsonException json) =>
        json is StrictEnumException && json.Path is { } path
            ? $"The request body is not valid JSON for this endpoint: {path}: {json.Message}"
            : $"The request body is not valid JSON for this endpoint: {json.Message}";
}
