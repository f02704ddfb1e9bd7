namespace MachineGrid.Grains;

/// <summary>
/// The store-specific rules for a credential's secret: the Local store takes the secret itself, Azure Key Vault takes a
/// secret URI (<c>https://{vault}.vault.azure.net/secrets/{name}[/{version}]</c>) and CyberArk a <c>safe/object</c> reference.
/// Messages never quote the secret.
/// </summary>
internal static class CredentialSecrets
{
    /// <summary>Longest local secret, in characters.</summary>
    public const int MaxSecretLength = 4096;

    /// <summary>Longest secret reference, in characters.</summary>
    public const int MaxReferenceLength = 1024;

    /// <summary>Prefix of a resolved Azure Key Vault reference.</summary>
    public const string KeyVaultPrefix = "akv:";

    /// <summary>Prefix of a resolved CyberArk reference.</summary>
    public const string CyberArkPrefix = "cyberark:";

    /// <summary>Checks that the request carries exactly what its store needs; returns the trimmed reference (null for Local).</summary>
    public static string? Check(CredentialStore store, string? secret, string? secretRef)
    {
        if (store == CredentialStore.Local)
        {
            DomainException.Require(!string.IsNullOrEmpty(secret), "A Local credential needs a secret.");
            DomainException.Require(secret!.Length <= MaxSecretLength, $"The secret must be at most {MaxSecretLength} characters.");
            DomainException.Require(secretRef is null, "A Local credential takes the secret itself, not a secret reference.");
            return null;
        }
        DomainException.Require(secret is null, $"A {store} credential takes a secret reference; the secret itself must not be sent.");
        var reference = Validate.Name(secretRef, "secretRef", MaxReferenceLength);
        DomainException.Require(
            store == CredentialStore.AzureKeyVault ? IsKeyVaultUri(reference) : IsCyberArkObject(reference),
            store == CredentialStore.AzureKeyVault
                ? "secretRef must be an Azure Key Vault secret URI such as https://my-vault.vault.azure.net/secrets/name."
                : "secretRef must be a CyberArk reference of the form safe/object.");
        return reference;
    }

    /// <summary>
    /// What the agent receives for a vault credential: the reference with its store's prefix (<c>akv:</c> or <c>cyberark:</c>).
    /// MachineGrid reaches no vault; the agent resolves the reference with its own vault access.
    /// </summary>
    public static string VaultReference(CredentialStore store, string secretRef) =>
        (store == CredentialStore.AzureKeyVault ? KeyVaultPrefix : CyberArkPrefix) + secretRef;

    private static bool IsKeyVaultUri(string reference) =>
        Uri.TryCreate(reference, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && uri.Segments is [_, "secrets/", _, ..] segments
        && segments.Length <= 4
        && string.IsNullOrEmpty(uri.Query);

    private static bool IsCyberArkObject(string reference) =>
        reference.Split('/') is [var safe, var name] && safe.Trim().Length > 0 && name.Trim().Length > 0;
}
