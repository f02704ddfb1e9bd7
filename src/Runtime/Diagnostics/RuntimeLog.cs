using Microsoft.Extensions.Logging;

namespace MachineGrid.Runtime.Diagnostics;

/// <summary>The runtime's structured log messages. Each names the grain type and key.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Warning, "Activation of grain {GrainType}/{GrainKey} failed")]
    public static partial void ActivationFailed(ILogger logger, string grainType, string grainKey, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "OnDeactivateAsync of grain {GrainType}/{GrainKey} failed")]
    public static partial void DeactivationFailed(ILogger logger, string grainType, string grainKey, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "Writing state {StateName} of grain {GrainType}/{GrainKey} on deactivation failed")]
    public static partial void DeactivationWriteFailed(ILogger logger, string grainType, string grainKey, string stateName, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Grain {GrainType}/{GrainKey} deactivated ({Reason})")]
    public static partial void Deactivated(ILogger logger, string grainType, string grainKey, DeactivationReason reason);

    [LoggerMessage(5, LogLevel.Warning, "Timer tick of grain {GrainType}/{GrainKey} failed")]
    public static partial void TimerTickFailed(ILogger logger, string grainType, string grainKey, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Reminder {ReminderName} of grain {GrainType}/{GrainKey} failed; it will be retried")]
    public static partial void ReminderFailed(ILogger logger, string grainType, string grainKey, string reminderName, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "Grain code posted to an activation's context threw")]
    public static partial void WorkItemFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "Silo started: {GrainClassCount} grain classes, storage {Storage}, {ReminderCount} reminders loaded")]
    public static partial void SiloStarted(ILogger logger, int grainClassCount, string storage, int reminderCount);

    [LoggerMessage(9, LogLevel.Information, "Silo stopped: {ActivationCount} activations deactivated")]
    public static partial void SiloStopped(ILogger logger, int activationCount);

    [LoggerMessage(10, LogLevel.Warning, "Shutdown gave up waiting: {ActivationCount} activations still had calls running")]
    public static partial void ShutdownIncomplete(ILogger logger, int activationCount);
}
