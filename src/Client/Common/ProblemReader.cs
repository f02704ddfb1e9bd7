using System.Text.Json;

namespace MachineGrid.Client;

/// <summary>Turns an unsuccessful response into a <see cref="MachineGridException"/>.</summary>
internal static class ProblemReader
{
    private const int MaxDetailChars = 2000;

    /// <summary>Reads the response body as problem details when it is JSON, else keeps (the start of) its text as the detail.</summary>
    public static async Task<MachineGridException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var problem = TryParse(body);
        if (problem is not null)
        {
            return new MachineGridException(response.StatusCode, problem.Code, problem.Title ?? response.ReasonPhrase, problem.Detail, problem.Errors);
        }
        var detail = string.IsNullOrWhiteSpace(body) ? null : body.Length > MaxDetailChars ? body[..MaxDetailChars] : body;
        return new MachineGridException(response.StatusCode, code: null, response.ReasonPhrase, detail);
    }

    private static ProblemDocument? TryParse(string body)
    {
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '{')
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(body, MachineGridJsonContext.Default.ProblemDocument);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
