namespace MachineGrid.Client;

/// <summary>The credential an assigned run must sign in with, secret included (sent only over the agent's channel).</summary>
/// <param name="Username">The account.</param>
/// <param name="Secret">Its password or secret.</param>
/// <param name="Id">The credential id, to report a sign-in failure with, when the gateway sends it.</param>
public sealed record AssignmentCredential(string Username, string? Secret, string? Id = null)
{
    /// <summary>Keeps the secret out of logs.</summary>
    public override string ToString() => $"AssignmentCredential {{ Username = {Username}, Id = {Id} }}";
}
