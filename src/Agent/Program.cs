using System.CommandLine;
using MachineGrid.Agent;

// Ctrl+C cancels the action's token; the machines then report their running flows and stop.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
return await AgentCommand.Create().Parse(args).InvokeAsync(invocation);
