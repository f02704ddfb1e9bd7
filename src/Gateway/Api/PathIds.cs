namespace MachineGrid.Gateway;

/// <summary>Refuses path ids that no resource can have (longer than an id may be, or with control characters) before any grain is addressed.</summary>
public static class PathIds
{
    /// <summary>The longest id the domain accepts.</summary>
    public const int MaxLength = 128;

    /// <summary>Adds the check to every endpoint of the builder.</summary>
    public static TBuilder ValidatePathIds<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static (context, next) =>
        {
            foreach (var (name, value) in context.HttpContext.Request.RouteValues)
            {
                if (value is string id)
                {
                    DomainException.Require(id.Length is > 0 and <= MaxLength && !id.Any(char.IsControl), $"{name} is not a valid id.");
                }
            }
            return next(context);
        });
}
