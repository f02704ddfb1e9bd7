using MachineGrid.Persistence;

namespace MachineGrid.Grains;

/// <summary>
/// The ids of deleted credentials, as rows of the <c>deletedcredentials</c> index table. A credential that does not exist
/// tells by them whether it was deleted, which no run may use any more, or never existed.
/// </summary>
public sealed class DeletedCredentials(IReadModel index)
{
    /// <summary>The index table.</summary>
    public const string Table = "deletedcredentials";

    /// <summary>Records that the credential was deleted.</summary>
    public Task AddAsync(string credentialId) => index.WriteAsync([RowChange.Put(Table, credentialId, [])]);

    /// <summary>Forgets the deletion of a credential created again under its id.</summary>
    public Task RemoveAsync(string credentialId) => index.WriteAsync([RowChange.Delete(Table, credentialId)]);

    /// <summary>Whether the credential was deleted.</summary>
    public async Task<bool> ContainsAsync(string credentialId) =>
        (await index.ScanAsync(Table, credentialId, null, 1)) is [var row] && row.Key == credentialId;
}
