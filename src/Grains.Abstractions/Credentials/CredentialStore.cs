namespace MachineGrid.Grains;

/// <summary>Where a credential's secret lives.</summary>
[GenerateSerializer, Alias("mg.CredentialStore")]
public enum CredentialStore
{
    /// <summary>Encrypted at rest in MachineGrid's own storage.</summary>
    Local,
    /// <summary>A reference to an Azure Key Vault secret.</summary>
    AzureKeyVault,
    /// <summary>A reference to a CyberArk safe/object.</summary>
    CyberArk,
}
