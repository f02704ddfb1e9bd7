global using MachineGrid.Gateway.Tests;
global using MachineGrid.TestSupport;
global using Xunit;
