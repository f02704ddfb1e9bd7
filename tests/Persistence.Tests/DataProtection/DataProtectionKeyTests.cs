using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace MachineGrid.Persistence.Tests.DataProtection;

[Collection(StoragePostgresCollection.Name)]
public sealed class DataProtectionKeyTests(PostgresServer postgres)
{
    private const string Purpose = "credentials";

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_payload_protected_on_one_silo_unprotects_on_another_over_the_same_database(Database database)
    {
        var options = await TestStores.NewOptionsAsync(database, postgres);
        string protectedPayload;
        if (database == Database.Postgres)
        {
            // Two silos at once, each with its own store and Data Protection, on one PostgreSQL database.
            await using var firstStore = TestStores.Open(options);
            await using var secondStore = TestStores.Open(options);
            await using var first = Silo(firstStore);
            await using var second = Silo(secondStore);
            protectedPayload = Protector(first).Protect("secret from A");
            Assert.Equal("secret from A", Protector(second).Unprotect(protectedPayload));
            Assert.Equal("secret from B", Protector(first).Unprotect(Protector(second).Protect("secret from B")));
            return;
        }

        // One silo owns an SQLite file: the first stops before the second starts on the same file.
        await using (var storeA = TestStores.Open(options))
        await using (var siloA = Silo(storeA))
        {
            protectedPayload = Protector(siloA).Protect("secret from A");
        }
        await using var storeB = TestStores.Open(options);
        await using var siloB = Silo(storeB);
        Assert.Equal("secret from A", Protector(siloB).Unprotect(protectedPayload));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Keys_survive_reopening_the_store(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        string protectedPayload;
        Guid[] keys;
        await using (var silo = Silo(storage.Store))
        {
            protectedPayload = Protector(silo).Protect("kept");
            keys = KeyIds(silo);
        }
        Assert.Single(keys);

        await storage.ReopenAsync();
        await using var reopened = Silo(storage.Store);
        Assert.Equal("kept", Protector(reopened).Unprotect(protectedPayload));
        Assert.Equal(keys, KeyIds(reopened));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Legacy_key_files_are_imported_once_and_keep_decrypting(Database database)
    {
        var keysDirectory = TestData.NewDirectory("keys");
        var protectedPayload = await ProtectWithLegacyKeyFilesAsync(keysDirectory, extraKeys: 1);
        var files = Directory.GetFiles(keysDirectory, "*.xml");
        Assert.Equal(2, files.Length);

        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var repository = new ReadModelXmlRepository(storage.ReadModel);
        Assert.Equal(2, repository.ImportKeyFiles(keysDirectory));
        Assert.Equal(0, repository.ImportKeyFiles(keysDirectory));
        Assert.Equal(0, new ReadModelXmlRepository(storage.ReadModel).ImportKeyFiles(keysDirectory));
        var rows = await storage.ReadModel.ScanAsync(ReadModelXmlRepository.Table, "", null, 100);
        Assert.Equal(files.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal), rows.Select(row => row.Key));
        Assert.Equal(2, repository.GetAllElements().Count);

        // Through the builder: the import finds keys already there and adds none; the old payload still unprotects.
        await using (var silo = Silo(storage.Store, keysDirectory))
        {
            Assert.Equal("from the file system", Protector(silo).Unprotect(protectedPayload));
        }
        Assert.Equal(2, await storage.ReadModel.CountAsync(ReadModelXmlRepository.Table, ""));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task The_builder_imports_legacy_files_into_an_empty_table_before_its_first_key(Database database)
    {
        var keysDirectory = TestData.NewDirectory("keys");
        var protectedPayload = await ProtectWithLegacyKeyFilesAsync(keysDirectory, extraKeys: 0);

        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        await using (var silo = Silo(storage.Store, keysDirectory))
        {
            Assert.Equal("from the file system", Protector(silo).Unprotect(protectedPayload));
            Assert.Equal("new", Protector(silo).Unprotect(Protector(silo).Protect("new")));
        }
        Assert.Equal(1, await storage.ReadModel.CountAsync(ReadModelXmlRepository.Table, ""));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task The_table_holds_one_row_per_key_and_nothing_else(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        await using var silo = Silo(storage.Store);
        Protector(silo).Protect("first key");
        var keyManager = silo.GetRequiredService<IKeyManager>();
        keyManager.CreateNewKey(DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(91));
        keyManager.CreateNewKey(DateTimeOffset.UtcNow.AddDays(2), DateTimeOffset.UtcNow.AddDays(92));

        var keys = keyManager.GetAllKeys();
        Assert.Equal(3, keys.Count);
        var rows = await storage.ReadModel.ScanAsync(ReadModelXmlRepository.Table, "", null, 100);
        Assert.Equal(keys.Count, rows.Count);
        Assert.Equal(keys.Count, await storage.ReadModel.CountAsync(ReadModelXmlRepository.Table, ""));
        Assert.Equal(
            keys.Select(key => $"key-{key.KeyId}").Order(StringComparer.Ordinal),
            rows.Select(row => row.Key));
        Assert.All(rows, row => Assert.Equal("key", XElement.Parse(Encoding.UTF8.GetString(row.Value)).Name.LocalName));
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task All_elements_are_read_past_one_page_and_deletions_remove_their_rows(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres);
        var count = ReadModelXmlRepository.PageSize + 5;
        var changes = Enumerable.Range(0, count)
            .Select(i => RowChange.Put(ReadModelXmlRepository.Table, $"element-{i:D6}", Encoding.UTF8.GetBytes($"<element n=\"{i}\" />")))
            .ToList();
        await storage.ReadModel.WriteAsync(changes);

        var repository = new ReadModelXmlRepository(storage.ReadModel);
        var elements = repository.GetAllElements();
        Assert.Equal(count, elements.Count);
        Assert.Equal(Enumerable.Range(0, count), elements.Select(element => (int)element.Attribute("n")!));

        Assert.True(repository.DeleteElements(all =>
        {
            foreach (var element in all.Where(element => (int)element.Element.Attribute("n")! % 2 == 0))
            {
                element.DeletionOrder = 1;
            }
        }));
        Assert.Equal(count / 2, await storage.ReadModel.CountAsync(ReadModelXmlRepository.Table, ""));
    }

    private static ServiceProvider Silo(MachineGridStore store, string? legacyKeysDirectory = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IReadModel>(new Persistence.ReadModel(store));
        var builder = services.AddDataProtection().SetApplicationName("MachineGrid");
        if (legacyKeysDirectory is null)
        {
            builder.PersistKeysToMachineGridStorage();
        }
        else
        {
            builder.PersistKeysToMachineGridStorage(legacyKeysDirectory);
        }
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static Guid[] KeyIds(IServiceProvider services) =>
        [.. services.GetRequiredService<IKeyManager>().GetAllKeys().Select(key => key.KeyId).Order()];

    /// <summary>Protects a payload the way a silo did before keys moved into storage: with key files in a folder.</summary>
    private static async Task<string> ProtectWithLegacyKeyFilesAsync(string keysDirectory, int extraKeys)
    {
        await using var legacy = new ServiceCollection()
            .AddDataProtection().SetApplicationName("MachineGrid").PersistKeysToFileSystem(new DirectoryInfo(keysDirectory)).Services
            .BuildServiceProvider();
        var payload = Protector(legacy).Protect("from the file system");
        for (var i = 0; i < extraKeys; i++)
        {
            legacy.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        }
        return payload;
    }
}
