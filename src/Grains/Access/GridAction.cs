namespace MachineGrid.Grains;

/// <summary>Actions that the seed's permission tables govern.</summary>
public enum GridAction
{
    /// <summary>Register a machine.</summary>
    RegisterMachine,
    /// <summary>Create a machine group.</summary>
    CreateGroup,
    /// <summary>Run a desktop flow on a machine or group.</summary>
    RunFlow,
    /// <summary>Share a machine.</summary>
    ShareMachine,
    /// <summary>Share a machine group.</summary>
    ShareGroup,
    /// <summary>Add a machine to a group.</summary>
    AddMachineToGroup,
    /// <summary>Remove a machine from a group.</summary>
    RemoveMachineFromGroup,
    /// <summary>Edit machine details.</summary>
    EditMachine,
    /// <summary>Edit machine group details (name, description, maintenance, password).</summary>
    EditGroup,
    /// <summary>Delete a machine.</summary>
    DeleteMachine,
    /// <summary>Delete a machine group.</summary>
    DeleteGroup,
    /// <summary>Create a credential or mapping.</summary>
    CreateCredential,
    /// <summary>Use a credential or mapping in a connection.</summary>
    UseCredential,
    /// <summary>Share a credential or mapping.</summary>
    ShareCredential,
    /// <summary>Edit or delete a credential or mapping.</summary>
    EditCredential,
}
