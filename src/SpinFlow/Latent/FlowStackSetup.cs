using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Lattice;

namespace SpinFlow.Latent;

/// <summary>
/// A stack of trained flows ready to generate: the flow (one flow or a <see cref="FlowStack"/>) with its members, the
/// latent p_z it generates from, the input data set of ξ when there is one, and a one-line description.
/// </summary>
/// <param name="Flow">The flow on the top lattice: the single member, or the stack of all of them.</param>
/// <param name="Members">The flows, lowest first, each at the size it was saved at.</param>
/// <param name="Latent">p_z on the top lattice: <see cref="GaussianLatent"/> over an NNRG flow, <see cref="SuperResolutionLatent"/> over a data set otherwise.</param>
/// <param name="Data">The data set of ξ as read (values, count, metadata); null for a stack that starts with an NNRG flow.</param>
/// <param name="Description">One line: the members, the sizes and where ξ comes from.</param>
/// <param name="Temperature">T_x the top flow was trained at, when its checkpoint records it.</param>
/// <param name="Model">The spin model the flows were trained on (the checkpoints' record; its components are the flows' channels).</param>
public sealed record FlowStackSetup(ILatticeFlow Flow, IReadOnlyList<Flow> Members, LatticeDistribution Latent,
    (float[] X, int Count, RelaxedConfigurationMetadata Metadata)? Data, string Description, double? Temperature, SpinModel Model);
