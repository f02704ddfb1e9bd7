using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MachineGrid.Persistence;

/// <summary>
/// ASP.NET Core Data Protection's key ring kept in the read model: each element is a row of table
/// <see cref="Table"/>, keyed by its friendly name, with the element's XML as UTF-8. Every silo on the database reads
/// the same rows, so a payload protected on one silo unprotects on any other.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous: each call blocks on the database (off the caller's scheduler, so a grain
/// calling it does not deadlock). Data Protection calls it rarely: at start, when it creates or revokes a key, and when
/// it refreshes its key ring (once a day by default).
/// </remarks>
public sealed class ReadModelXmlRepository : IDeletableXmlRepository
{
    /// <summary>The read-model table holding the elements.</summary>
    public const string Table = "dataprotection";

    /// <summary>The most rows one scan reads; <see cref="GetAllElements"/> reads pages until the table is exhausted.</summary>
    public const int PageSize = 10_000;

    private const int MaxFriendlyNameLength = 200;

    private readonly IReadModel readModel;
    private readonly string? legacyKeysDirectory;
    private readonly ILogger logger;
    private readonly Lock importLock = new();
    private bool imported;

    /// <param name="readModel">The read model of the database shared by the silos.</param>
    /// <param name="legacyKeysDirectory">
    /// A folder of key files (<c>*.xml</c>, as <c>PersistKeysToFileSystem</c> writes them) copied into the table before the
    /// first read or write when the table has no rows yet; null for none. A folder that does not exist is skipped.
    /// </param>
    /// <param name="logger">Logs the import; null for none.</param>
    public ReadModelXmlRepository(IReadModel readModel, string? legacyKeysDirectory = null, ILogger<ReadModelXmlRepository>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(readModel);
        this.readModel = readModel;
        this.legacyKeysDirectory = string.IsNullOrWhiteSpace(legacyKeysDirectory) ? null : legacyKeysDirectory;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        imported = this.legacyKeysDirectory is null;
    }

    /// <summary>Every stored element, in key order.</summary>
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        EnsureImported();
        return Run(async () => (await ReadAllAsync().ConfigureAwait(false)).Select(row => row.Element).ToList());
    }

    /// <summary>
    /// Stores <paramref name="element"/> under <paramref name="friendlyName"/> (Data Protection names keys
    /// <c>key-{id}</c>); a missing or unusable name (empty, over 200 characters, or other than letters, digits,
    /// '-', '_' and '.') is replaced by a new GUID. A row of the same name is replaced.
    /// </summary>
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        EnsureImported();
        var key = IsSafeName(friendlyName) ? friendlyName : Guid.NewGuid().ToString();
        var value = Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting));
        Run(() => readModel.WriteAsync([RowChange.Put(Table, key, value)]));
    }

    /// <summary>Lets <paramref name="chooseElements"/> mark elements for deletion, then deletes them, in their order, in one commit.</summary>
    public bool DeleteElements(Action<IReadOnlyCollection<IDeletableElement>> chooseElements)
    {
        ArgumentNullException.ThrowIfNull(chooseElements);
        EnsureImported();
        var elements = Run(ReadAllAsync);
        chooseElements(elements);
        var deletions = elements
            .Where(element => element.DeletionOrder.HasValue)
            .OrderBy(element => element.DeletionOrder!.Value)
            .Select(element => RowChange.Delete(Table, element.Key))
            .ToList();
        if (deletions.Count > 0)
        {
            Run(() => readModel.WriteAsync(deletions));
        }
        return true;
    }

    /// <summary>
    /// Copies the key files (<c>*.xml</c>) of <paramref name="directory"/> into the table, each under its file name
    /// without the extension, when the table has no rows; returns how many were copied (0 when the table already had
    /// rows or the folder does not exist). The copy is one commit, so an interrupted import leaves the table empty and
    /// the next one starts over; two silos importing at once write the same rows.
    /// </summary>
    public int ImportKeyFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return Run(() => ImportAsync(directory));
    }

    private async Task<int> ImportAsync(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        if (await readModel.CountAsync(Table, "").ConfigureAwait(false) > 0)
        {
            return 0;
        }
        var changes = new List<RowChange>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.xml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            var element = XElement.Load(file);
            var name = Path.GetFileNameWithoutExtension(file);
            var key = IsSafeName(name) ? name : Guid.NewGuid().ToString();
            changes.Add(RowChange.Put(Table, key, Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting))));
        }
        if (changes.Count > 0)
        {
            await readModel.WriteAsync(changes).ConfigureAwait(false);
            logger.LogInformation("Imported {Count} Data Protection key files from {Directory} into read-model table {Table}.", changes.Count, directory, Table);
        }
        return changes.Count;
    }

    /// <summary>The legacy import, once per repository, before the first read or write; a failed attempt is retried at the next call.</summary>
    private void EnsureImported()
    {
        if (Volatile.Read(ref imported))
        {
            return;
        }
        lock (importLock)
        {
            if (!imported)
            {
                ImportKeyFiles(legacyKeysDirectory!);
                Volatile.Write(ref imported, true);
            }
        }
    }

    private async Task<List<StoredElement>> ReadAllAsync()
    {
        var elements = new List<StoredElement>();
        string? after = null;
        while (true)
        {
            var page = await readModel.ScanAsync(Table, "", after, PageSize).ConfigureAwait(false);
            foreach (var row in page)
            {
                elements.Add(new StoredElement(row.Key, Parse(row)));
            }
            if (page.Count < PageSize)
            {
                return elements;
            }
            after = page[^1].Key;
        }
    }

    private static XElement Parse(ReadModelRow row)
    {
        using var stream = new MemoryStream(row.Value, writable: false);
        return XElement.Load(stream);
    }

    private static bool IsSafeName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxFriendlyNameLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Runs database work on the thread pool and waits for it, so a caller's scheduler (a grain's) is never needed to finish it.</summary>
    private static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();

    private static void Run(Func<Task> work) => Task.Run(work).GetAwaiter().GetResult();

    private sealed class StoredElement(string key, XElement element) : IDeletableElement
    {
        public string Key { get; } = key;

        public XElement Element { get; } = element;

        public int? DeletionOrder { get; set; }
    }
}
