global using MachineGrid.TestSupport;
