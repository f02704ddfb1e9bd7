using MachineGrid.Persistence;
using Microsoft.AspNetCore.Connections;
using Orleans.Runtime;

namespace MachineGrid.Silo;

/// <summary>Turns what stops a silo from starting into one line for its operator; anything else stays a crash with its stack.</summary>
internal static class StartupFailure
{
    public static string? Describe(Exception exception) => exception switch
    {
        SiloStartupException or StorageConfigurationException or OrleansConfigurationException => exception.Message,
        Microsoft.Extensions.Options.OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        IOException { InnerException: AddressInUseException } => $"{exception.Message} Give another --urls.",
        AggregateException { InnerExceptions: [var only] } => Describe(only),
        OrleansLifecycleCanceledException { InnerException: { } inner } => Describe(inner),
        _ => null,
    };
}
