namespace MachineGrid.Runtime;

/// <summary>Marker for every grain interface. Use <see cref="IGrainWithStringKey"/> or <see cref="IGrainWithGuidKey"/>.</summary>
public interface IGrain;
