namespace MachineGrid.Agent;

/// <summary>A shell command that "runs" a flow: <c>flowId=command args</c>; the flow id <c>*</c> matches every flow without its own command.</summary>
/// <param name="FlowId">The flow it runs, or <c>*</c>.</param>
/// <param name="CommandLine">The command line, run through the shell.</param>
public sealed record FlowCommand(string FlowId, string CommandLine)
{
    /// <summary>The flow id that matches every flow.</summary>
    public const string AnyFlow = "*";

    /// <summary>Parses <c>flowId=command args</c>; false when there is no <c>=</c> or either side is empty.</summary>
    public static bool TryParse(string text, out FlowCommand? command)
    {
        command = null;
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }
        var flowId = text[..separator].Trim();
        var commandLine = text[(separator + 1)..].Trim();
        if (flowId.Length == 0 || commandLine.Length == 0)
        {
            return false;
        }
        command = new FlowCommand(flowId, commandLine);
        return true;
    }
}
