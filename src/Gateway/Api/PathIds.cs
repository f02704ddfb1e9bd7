namespace MachineGrid.Gateway;

/// <summary>
/// Refuses path ids that no resource can have (longer than an id may be, or with control characters) before the
/// request's body is read or any grain is addressed.
/// </summary>
public sealed class PathIds(RequestDelegate next)
{
    /// <summary>The longest id the domain accepts.</summary>
    public const int MaxLength = 128;

    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string id)
            {
                DomainException.Require(id.Length is > 0 and <= MaxLength && !id.Any(char.IsControl), $"{name} is not a valid id.");
            }
        }
        return next(context);
    }
}
