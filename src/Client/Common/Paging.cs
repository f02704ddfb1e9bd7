using System.Runtime.CompilerServices;

namespace MachineGrid.Client;

/// <summary>Walks a paged list to its end.</summary>
internal static class Paging
{
    /// <summary>Yields every item, fetching page after page with the previous page's cursor.</summary>
    public static async IAsyncEnumerable<T> EnumerateAsync<T>(
        Func<string?, CancellationToken, Task<Page<T>>> fetchPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var page = await fetchPage(cursor, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }
            cursor = page.Next;
        }
        while (cursor is not null);
    }
}
