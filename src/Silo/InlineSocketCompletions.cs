namespace MachineGrid.Silo;

/// <summary>
/// Has the runtime complete socket operations on its event threads instead of queueing each completion to the thread
/// pool (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>), unless the environment already sets it either way.
/// Kestrel still runs request handling on the thread pool; what moves is the transport's copying between socket and
/// pipe, one hop and one thread wake-up less per read. The runtime reads the variable once, when the process first
/// uses a socket, so this runs before the host starts.
/// </summary>
internal static class InlineSocketCompletions
{
    /// <summary>The variable the runtime reads.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the variable to <c>1</c> when it is not set.</summary>
    public static void EnableUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
