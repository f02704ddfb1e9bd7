using System.Net;
using System.Text.Json;
using Xunit.Sdk;

namespace MachineGrid.Gateway.Tests;

/// <summary>Assertions on responses that print the whole exchange when they fail.</summary>
public static class Expect
{
    /// <summary>Asserts the status; returns the response for chaining.</summary>
    public static ApiResponse Is(this ApiResponse response, HttpStatusCode status)
    {
        if (response.Status != status)
        {
            throw new XunitException($"Expected {(int)status} {status}, got {response}");
        }
        return response;
    }

    /// <summary>Asserts a problem response: the status, <c>application/problem+json</c>, and <c>status</c>, <c>title</c>, <c>detail</c> and <c>code</c> in the body.</summary>
    public static ApiResponse IsProblem(this ApiResponse response, HttpStatusCode status, string code)
    {
        response.Is(status).IsProblemBody();
        if (response.Code != code)
        {
            throw new XunitException($"Expected code {code}, got {response}");
        }
        return response;
    }

    /// <summary>Asserts a 4xx problem response with the four fields API.md names, whatever the status and code.</summary>
    public static ApiResponse IsClientError(this ApiResponse response)
    {
        if ((int)response.Status is < 400 or > 499)
        {
            throw new XunitException($"Expected a 4xx problem, got {response}");
        }
        return response.IsProblemBody();
    }

    /// <summary>Asserts a 2xx status.</summary>
    public static ApiResponse IsSuccess(this ApiResponse response)
    {
        if ((int)response.Status is < 200 or > 299)
        {
            throw new XunitException($"Expected success, got {response}");
        }
        return response;
    }

    /// <summary>Asserts that the JSON object has each of the properties, spelled exactly so.</summary>
    public static JsonElement HasProperties(this JsonElement element, params string[] names)
    {
        var missing = names.Where(name => !element.TryGetProperty(name, out _)).ToList();
        if (missing.Count > 0)
        {
            throw new XunitException($"Missing {string.Join(", ", missing)} in {element.GetRawText()}");
        }
        return element;
    }

    private static ApiResponse IsProblemBody(this ApiResponse response)
    {
        if (response.MediaType != "application/problem+json")
        {
            throw new XunitException($"Expected application/problem+json, got {response}");
        }
        var body = response.Json;
        if (!body.TryGetProperty("status", out var status) || status.GetInt32() != (int)response.Status)
        {
            throw new XunitException($"The problem's status does not match: {response}");
        }
        foreach (var field in new[] { "title", "detail", "code" })
        {
            if (!body.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                throw new XunitException($"The problem has no {field}: {response}");
            }
        }
        return response;
    }
}
