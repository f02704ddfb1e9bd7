using System.Net;

namespace MachineGrid.Client;

/// <summary>The gateway refused a request; carries the problem details it returned.</summary>
public sealed class MachineGridException : Exception
{
    /// <summary>Creates the exception from a response status and its problem document (if any).</summary>
    public MachineGridException(HttpStatusCode status, string? code, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(FormatMessage(status, code, title, detail))
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The stable error code (e.g. <c>GroupFull</c>, <c>NotFound</c>); null when the response carried none.</summary>
    public string? Code { get; }

    /// <summary>The problem title.</summary>
    public string? Title { get; }

    /// <summary>The problem detail.</summary>
    public string? Detail { get; }

    /// <summary>Validation errors by field; empty when there were none.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string FormatMessage(HttpStatusCode status, string? code, string? title, string? detail)
    {
        var head = $"{(int)status} {code ?? status.ToString()}";
        var text = detail ?? title;
        return string.IsNullOrEmpty(text) ? head : $"{head}: {text}";
    }
}
