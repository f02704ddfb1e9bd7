using BenchmarkDotNet.Running;
using MachineGrid.Bench.Calls;

if (args is ["memory", ..])
{
    await ActivationMemory.RunAsync();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(ActivationMemory).Assembly).Run(args);
