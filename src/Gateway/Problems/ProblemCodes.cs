using MachineGrid.Grains;

namespace MachineGrid.Gateway;

/// <summary>The HTTP status of each domain error code.</summary>
public static class ProblemCodes
{
    /// <summary>Status for a domain error code.</summary>
    public static int StatusOf(DomainErrorCode code) => code switch
    {
        DomainErrorCode.Validation => StatusCodes.Status400BadRequest,
        DomainErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        DomainErrorCode.Forbidden or DomainErrorCode.WrongGroupPassword => StatusCodes.Status403Forbidden,
        DomainErrorCode.NotFound => StatusCodes.Status404NotFound,
        DomainErrorCode.NestedMapping or DomainErrorCode.CredentialNotUsableInConnections => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status409Conflict,
    };
}
