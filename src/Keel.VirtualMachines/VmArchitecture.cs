namespace Keel.VirtualMachines;

/// <summary>The guest architectures `keel vm run` can emulate.</summary>
public enum VmArchitecture
{
    X86_64,
    Aarch64,
}
