using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace MachineGrid.Dashboard.Tests;

/// <summary>One browser context and its page, with the URLs of every request the page made.</summary>
public sealed class BrowserSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    /// <summary>The page.</summary>
    public IPage Page { get; } = page;

    /// <summary>Every request URL, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Navigates within the signed-in page (no reload) and waits until the new view has loaded.</summary>
    public async Task ShowAsync(string hash)
    {
        await Page.EvaluateAsync("hash => { document.getElementById('view').dataset.loaded = 'false'; location.hash = hash; }", hash);
        await Assertions.Expect(Page.Locator("#view[data-loaded=true]")).ToBeAttachedAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
