using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpinFlow.Flows;

/// <summary>
/// One thread's scratch and kernels: a block of <see cref="P"/> plaquettes is gathered into structure-of-arrays rows
/// (one row of P values per plaquette entry — site k, channel c at row k·C + c —, per hidden unit, …) and pushed
/// through all couplings of a bijector with SIMD across plaquettes.
/// </summary>
/// <remarks>
/// Reverse mode recomputes instead of storing: the backward pass of a layer starts from the layer's stored output,
/// and for each coupling (last to first) re-evaluates its S and T nets on the unchanged conditioner entries, inverts
/// the coupling to recover its input, and back-propagates. Only one coupling's activations for one block are alive at
/// a time, so the tape stays in cache and memory does not grow with depth.
/// </remarks>
internal sealed unsafe class BlockWorker<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Plaquettes per block (a multiple of 4 vectors for both float and double).</summary>
    public const int P = 64;

    private static int V { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<T>.Count; }

    private readonly T[] _scratch;
    private readonly T* _base;
    // Parameter-gradient partial sums of the current chunk (packed layout), small enough to stay in L1.
    private readonly T* _acc;

    // Rows of P values.
    private readonly T* _y, _g, _ld, _gld, _neg, _gs, _gt, _gtmp, _pair, _gh0, _gh1;
    private readonly T*[] _act = new T*[4];
    private readonly T*[] _out = new T*[4];

    /// <summary>Lattice offsets ((sample·N + site)·C, channel 0) of the 4 sites of each plaquette in the block, site-major.</summary>
    public readonly int[] Offsets = new int[4 * P];
    /// <summary>Sample index of each plaquette in the block.</summary>
    public readonly int[] Samples = new int[P];

    public BlockWorker(int maxHidden, int maxLayers, int maxPackedBijector, int channels)
    {
        _channels = channels;
        int act = maxLayers * maxHidden * P;
        int half = 2 * channels * P;   // the conditioner's (or the transformed entries') rows
        int total = 2 * 2 * half + P + P + 5 * half + 2 * maxHidden * P + 4 * act + 4 * half + maxPackedBijector;
        _scratch = GC.AllocateArray<T>(total, pinned: true);
        _base = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_scratch));
        T* p = _base;
        T* Take(int n) { T* r = p; p += n; return r; }
        _y = Take(2 * half); _g = Take(2 * half); _ld = Take(P); _gld = Take(P);
        _neg = Take(half); _gs = Take(half); _gt = Take(half); _gtmp = Take(half); _pair = Take(half);
        _gh0 = Take(maxHidden * P); _gh1 = Take(maxHidden * P);
        for (int i = 0; i < 4; i++) _act[i] = Take(act);
        for (int i = 0; i < 4; i++) _out[i] = Take(half);
        _acc = Take(maxPackedBijector);
    }

    // Channels C per site: every bijector this worker runs has the engine's C.
    private readonly int _channels;

    // ───────────────────────────── gather / scatter ─────────────────────────────

    /// <summary>Fills <see cref="Offsets"/> and <see cref="Samples"/> for global plaquettes [start, start + count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Locate(int[] sites, int plaquettes, int sitesPerSample, long start, int count)
    {
        int sample = (int)(start / plaquettes);
        int q = (int)(start - (long)sample * plaquettes);
        int baseOffset = sample * sitesPerSample;
        int ch = _channels;
        for (int p = 0; p < count; p++)
        {
            Samples[p] = sample;
            Offsets[p] = (baseOffset + sites[4 * q]) * ch;
            Offsets[P + p] = (baseOffset + sites[4 * q + 1]) * ch;
            Offsets[2 * P + p] = (baseOffset + sites[4 * q + 2]) * ch;
            Offsets[3 * P + p] = (baseOffset + sites[4 * q + 3]) * ch;
            if (++q == plaquettes)
            {
                q = 0;
                sample++;
                baseOffset += sitesPerSample;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(T* lattice, int count, bool gradient)
    {
        T* dst = gradient ? _g : _y;
        int ch = _channels;
        for (int k = 0; k < 4; k++)
        {
            int kp = k * P;
            for (int c = 0; c < ch; c++)
            {
                T* row = dst + (k * ch + c) * P;
                T* src = lattice + c;
                for (int p = 0; p < count; p++) row[p] = src[Offsets[kp + p]];
                for (int p = count; p < P; p++) row[p] = T.Zero;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scatter(T* lattice, int count, bool gradient)
    {
        T* src = gradient ? _g : _y;
        int ch = _channels;
        for (int k = 0; k < 4; k++)
        {
            int kp = k * P;
            for (int c = 0; c < ch; c++)
            {
                T* row = src + (k * ch + c) * P;
                T* dst = lattice + c;
                for (int p = 0; p < count; p++) dst[Offsets[kp + p]] = row[p];
            }
        }
    }

    public void ClearLogDet() => new Span<T>(_ld, P).Clear();

    /// <summary>
    /// Copies the block's per-plaquette log-dets to <paramref name="destination"/> (the block's place in a per-plaquette
    /// array): the engine sums them per sample in plaquette order, so the result does not depend on which worker ran
    /// which block.
    /// </summary>
    public void StoreLogDet(T* destination, int count) => new ReadOnlySpan<T>(_ld, count).CopyTo(new Span<T>(destination, count));

    /// <summary>Sets each plaquette's upstream log-det gradient from its sample's; padding lanes get 0 so they add nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LoadLogDetGradient(ReadOnlySpan<double> gradLogDet, int count)
    {
        for (int p = 0; p < count; p++) _gld[p] = T.CreateTruncating(gradLogDet[Samples[p]]);
        for (int p = count; p < P; p++) _gld[p] = T.Zero;
    }

    // ───────────────────────────── bijector passes ─────────────────────────────

    /// <summary>Generation direction through all couplings of the bijector for the gathered block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(RealNvpOptions o, T* packed)
    {
        int pcs = RealNvpBijector.PackedCouplingSize(o);
        for (int j = 0; j < o.Couplings; j++) Coupling(o, packed + j * pcs, j, inverse: false);
    }

    /// <summary>Inference direction (inverse) through all couplings, last to first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Inverse(RealNvpOptions o, T* packed)
    {
        int pcs = RealNvpBijector.PackedCouplingSize(o);
        for (int j = o.Couplings - 1; j >= 0; j--) Coupling(o, packed + j * pcs, j, inverse: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Coupling(RealNvpOptions o, T* w, int j, bool inverse)
    {
        var (c0, c1, t0, t1) = RealNvpBijector.Mask(j);
        EvaluateNets(o, w, c0, c1);
        int pns = RealNvpBijector.PackedNetSize(o);
        int ch = _channels;
        T* sOut = _out[0], tOut = _out[1];
        for (int oi = 0; oi < 2 * ch; oi++)
        {
            var a = Vector256.Create(w[2 * pns + oi]);
            T* y = _y + TargetRow(oi, t0, t1) * P;
            T* sr = sOut + oi * P, tr = tOut + oi * P;
            for (int c = 0; c < P; c += V)
            {
                var s = a * VectorMath<T>.Tanh(Vector256.Load(sr + c));
                var t = Vector256.Load(tr + c);
                var yv = Vector256.Load(y + c);
                var ld = Vector256.Load(_ld + c);
                if (!inverse)
                {
                    Vector256.Store(VectorMath<T>.Fma(yv, VectorMath<T>.Exp(s), t), y + c);
                    Vector256.Store(ld + s, _ld + c);
                }
                else
                {
                    Vector256.Store((yv - t) * VectorMath<T>.Exp(-s), y + c);
                    Vector256.Store(ld - s, _ld + c);
                }
            }
        }
    }

    /// <summary>Row of the block holding output <paramref name="oi"/> of a coupling's nets: site t0 channels first, then t1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TargetRow(int oi, int t0, int t1) => oi < _channels ? t0 * _channels + oi : t1 * _channels + oi - _channels;

    /// <summary>
    /// S and T nets on the conditioner rows (sites c0 and c1, C rows each); results in _out[0] (S pre-tanh) and _out[1]
    /// (T), 2C rows each, activations kept in _act[0..1] (and the negated copies in _act[2..3] for the equivariant
    /// option) for a following backward step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluateNets(RealNvpOptions o, T* w, int c0, int c1)
    {
        int pns = RealNvpBijector.PackedNetSize(o);
        int ch = _channels;
        T* in0 = _y + c0 * ch * P, in1 = _y + c1 * ch * P;
        NetForward(o, w, in0, in1, _act[0], _out[0]);
        NetForward(o, w + pns, in0, in1, _act[1], _out[1]);
        if (o.Equivariant)
        {
            // All channels of the conditioner flip together: the symmetry is the global sign flip z → −z.
            T* n0 = _neg, n1 = _neg + ch * P;
            for (int c = 0; c < ch * P; c += V)
            {
                Vector256.Store(-Vector256.Load(in0 + c), n0 + c);
                Vector256.Store(-Vector256.Load(in1 + c), n1 + c);
            }
            NetForward(o, w, n0, n1, _act[2], _out[2]);
            NetForward(o, w + pns, n0, n1, _act[3], _out[3]);
            // Even S: ½[S(y) + S(−y)]; odd T: ½[T(y) − T(−y)].
            var half = Vector256.Create(T.CreateTruncating(0.5));
            for (int c = 0; c < 2 * ch * P; c += V)
            {
                Vector256.Store(half * (Vector256.Load(_out[0] + c) + Vector256.Load(_out[2] + c)), _out[0] + c);
                Vector256.Store(half * (Vector256.Load(_out[1] + c) - Vector256.Load(_out[3] + c)), _out[1] + c);
            }
        }
    }

    /// <summary>
    /// Reverse-mode step through all couplings, last to first, for the gathered block: on entry _y holds the
    /// bijector's output and _g the gradient with respect to it; on exit _y holds the (recomputed) input and _g the
    /// gradient with respect to the input. Parameter gradients go to the lane accumulators when
    /// <paramref name="parameterGradients"/> is set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(RealNvpOptions o, T* packed, bool parameterGradients)
    {
        int pcs = RealNvpBijector.PackedCouplingSize(o);
        int pns = RealNvpBijector.PackedNetSize(o);
        for (int j = o.Couplings - 1; j >= 0; j--)
        {
            T* w = packed + j * pcs;
            T* acc = parameterGradients ? _acc + j * pcs : null;
            var (c0, c1, t0, t1) = RealNvpBijector.Mask(j);
            EvaluateNets(o, w, c0, c1);
            int ch = _channels;
            for (int oi = 0; oi < 2 * ch; oi++)
            {
                T aScalar = w[2 * pns + oi];
                var a = Vector256.Create(aScalar);
                int row = TargetRow(oi, t0, t1);
                T* y = _y + row * P;
                T* g = _g + row * P;
                T* sr = _out[0] + oi * P, tr = _out[1] + oi * P;
                T* gsr = _gs + oi * P, gtr = _gt + oi * P;
                var aGrad = Vector256<T>.Zero;
                for (int c = 0; c < P; c += V)
                {
                    var th = VectorMath<T>.Tanh(Vector256.Load(sr + c));
                    var e = VectorMath<T>.Exp(a * th);
                    var diff = Vector256.Load(y + c) - Vector256.Load(tr + c);   // = y_in · e^s
                    var gy = Vector256.Load(g + c);
                    var gs = VectorMath<T>.Fma(gy, diff, Vector256.Load(_gld + c));
                    aGrad = VectorMath<T>.Fma(gs, th, aGrad);
                    Vector256.Store(gs * a * (Vector256<T>.One - th * th), gsr + c);
                    Vector256.Store(gy, gtr + c);
                    Vector256.Store(gy * e, g + c);
                    Vector256.Store(diff / e, y + c);
                }
                if (acc != null) acc[2 * pns + oi] += VectorMath<T>.Sum(aGrad);
            }
            T* in0 = _y + c0 * ch * P, in1 = _y + c1 * ch * P;
            T* g0 = _g + c0 * ch * P, g1 = _g + c1 * ch * P;
            T one = T.One;
            // The first layer's weight gradient wants its 2C inputs as adjacent rows.
            if (acc != null)
            {
                new ReadOnlySpan<T>(in0, ch * P).CopyTo(new Span<T>(_pair, ch * P));
                new ReadOnlySpan<T>(in1, ch * P).CopyTo(new Span<T>(_pair + ch * P, ch * P));
            }
            // The equivariant nets are averages of two evaluations, so each sees half the output gradient.
            T scale = o.Equivariant ? T.CreateTruncating(0.5) : one;
            NetBackward(o, w + pns, _pair, _act[1], _gt, scale, one, g0, g1, acc == null ? null : acc + pns);
            NetBackward(o, w, _pair, _act[0], _gs, scale, one, g0, g1, acc);
            if (o.Equivariant)
            {
                // The copies see −y: their input gradients enter with a minus sign; ½[T(y) − T(−y)] flips the T copy's output gradient.
                NetBackward(o, w + pns, _neg, _act[3], _gt, -scale, -one, g0, g1, acc == null ? null : acc + pns);
                NetBackward(o, w, _neg, _act[2], _gs, scale, -one, g0, g1, acc);
            }
        }
    }

    // ───────────────────────────── MLP kernels ─────────────────────────────
    //
    // Activations are rows of P values (one row per unit). The matrix kernels hold a 2-row × 4-vector tile of
    // accumulators in registers so that each broadcast weight and each loaded input vector feeds several FMAs;
    // ELU runs as a separate streaming pass, which keeps the exp constants in registers instead of spilling the tile.

    /// <summary>4C → h → (h → h)×(n−1) → 4C net on the 2C active inputs (C rows at in0, C at in1) and the 2C active outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NetForward(RealNvpOptions o, T* w, T* in0, T* in1, T* act, T* output)
    {
        int h = o.Hidden, n = o.MlpLayers, ch = _channels;
        if (ch == 1) FirstLayer(w, w + 2 * h, h, in0, in1, act);
        else if (ch == 2) FirstLayer2(w, w + 4 * h, h, in0, in1, act);
        else FirstLayerAny(w, w + 2 * ch * h, h, ch, in0, in1, act);
        T* prev = act;
        T* wl = w + RealNvpBijector.PackedFirstLayerSize(o);
        for (int l = 1; l < n; l++)
        {
            MatMul(wl, h, 1, wl + h * h, h, h, prev, prev + h * P, Epilogue.Elu);
            prev += h * P;
            wl += h * h + h;
        }
        MatMul(wl, h, 1, wl + 2 * ch * h, h, 2 * ch, prev, output);
    }

    /// <summary>First layer at C = 1: act[i] = ELU(W[i,0]·in0 + W[i,1]·in1 + b[i]).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FirstLayer(T* w, T* bias, int h, T* in0, T* in1, T* act)
    {
        for (int i = 0; i < h; i++)
        {
            var w0 = Vector256.Create(w[2 * i]);
            var w1 = Vector256.Create(w[2 * i + 1]);
            var b = Vector256.Create(bias[i]);
            T* dst = act + i * P;
            for (int c = 0; c < P; c += V)
                Vector256.Store(VectorMath<T>.Elu(VectorMath<T>.Fma(w0, Vector256.Load(in0 + c), VectorMath<T>.Fma(w1, Vector256.Load(in1 + c), b))), dst + c);
        }
    }

    /// <summary>First layer at C = 2: act[i] = ELU(Σ_m W[i,m]·in_m + b[i]) over the 4 rows in0, in0 + P, in1, in1 + P.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FirstLayer2(T* w, T* bias, int h, T* in0, T* in1, T* act)
    {
        for (int i = 0; i < h; i++)
        {
            var w0 = Vector256.Create(w[4 * i]);
            var w1 = Vector256.Create(w[4 * i + 1]);
            var w2 = Vector256.Create(w[4 * i + 2]);
            var w3 = Vector256.Create(w[4 * i + 3]);
            var b = Vector256.Create(bias[i]);
            T* dst = act + i * P;
            for (int c = 0; c < P; c += V)
            {
                var u = VectorMath<T>.Fma(w3, Vector256.Load(in1 + P + c), b);
                u = VectorMath<T>.Fma(w2, Vector256.Load(in1 + c), u);
                u = VectorMath<T>.Fma(w1, Vector256.Load(in0 + P + c), u);
                Vector256.Store(VectorMath<T>.Elu(VectorMath<T>.Fma(w0, Vector256.Load(in0 + c), u)), dst + c);
            }
        }
    }

    /// <summary>First layer for any C: the sum over the 2C inputs is formed last to first, like the C = 1 and 2 kernels.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FirstLayerAny(T* w, T* bias, int h, int ch, T* in0, T* in1, T* act)
    {
        int m2 = 2 * ch;
        for (int i = 0; i < h; i++)
        {
            var b = Vector256.Create(bias[i]);
            T* wi = w + m2 * i;
            T* dst = act + i * P;
            for (int c = 0; c < P; c += V)
            {
                var u = b;
                for (int m = m2 - 1; m >= 0; m--)
                {
                    T* src = m < ch ? in0 + m * P : in1 + (m - ch) * P;
                    u = VectorMath<T>.Fma(Vector256.Create(wi[m]), Vector256.Load(src + c), u);
                }
                Vector256.Store(VectorMath<T>.Elu(u), dst + c);
            }
        }
    }

    /// <summary>What a matrix kernel applies to its results before storing them.</summary>
    private enum Epilogue { None, Elu, EluDerivative }

    /// <summary>
    /// output[r] = ep(bias[r] + Σ_k W(r, k)·input[k]) for r &lt; nOut, with W(r, k) = w[r·rs + k·ks] (so a transposed
    /// matrix is just other strides); bias may be null. The epilogue is ELU, or a product with ELU′ at the layer whose
    /// outputs are <paramref name="eluOut"/> (back-propagation through the activation).
    /// </summary>
    /// <remarks>
    /// One output row of 8 vectors per tile: each broadcast weight feeds 8 FMAs whose input operand is read straight
    /// from memory (folded into the FMA), about 1.6 instructions per FMA; the epilogue then works on 8 independent
    /// vectors, which keeps the out-of-order core busy through the long exp dependency chains.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MatMul(T* w, int rs, int ks, T* bias, int nIn, int nOut, T* input, T* output, Epilogue ep = Epilogue.None, T* eluOut = null)
    {
        for (int r = 0; r < nOut; r++)
        {
            var b = bias != null ? Vector256.Create(bias[r]) : Vector256<T>.Zero;
            T* d = output + r * P;
            for (int c = 0; c < P; c += 8 * V)
            {
                var a0 = b; var a1 = b; var a2 = b; var a3 = b; var a4 = b; var a5 = b; var a6 = b; var a7 = b;
                T* src = input + c;
                T* wk = w + r * rs;
                T* end = src + nIn * P;
                for (; src < end; src += P, wk += ks)
                {
                    var u = Vector256.Create(*wk);
                    a0 = VectorMath<T>.Fma(u, Vector256.Load(src), a0);
                    a1 = VectorMath<T>.Fma(u, Vector256.Load(src + V), a1);
                    a2 = VectorMath<T>.Fma(u, Vector256.Load(src + 2 * V), a2);
                    a3 = VectorMath<T>.Fma(u, Vector256.Load(src + 3 * V), a3);
                    a4 = VectorMath<T>.Fma(u, Vector256.Load(src + 4 * V), a4);
                    a5 = VectorMath<T>.Fma(u, Vector256.Load(src + 5 * V), a5);
                    a6 = VectorMath<T>.Fma(u, Vector256.Load(src + 6 * V), a6);
                    a7 = VectorMath<T>.Fma(u, Vector256.Load(src + 7 * V), a7);
                }
                T* dc = d + c;
                if (ep == Epilogue.EluDerivative)
                {
                    T* v = eluOut + r * P + c;
                    a0 *= VectorMath<T>.EluDerivative(Vector256.Load(v));
                    a1 *= VectorMath<T>.EluDerivative(Vector256.Load(v + V));
                    a2 *= VectorMath<T>.EluDerivative(Vector256.Load(v + 2 * V));
                    a3 *= VectorMath<T>.EluDerivative(Vector256.Load(v + 3 * V));
                    a4 *= VectorMath<T>.EluDerivative(Vector256.Load(v + 4 * V));
                    a5 *= VectorMath<T>.EluDerivative(Vector256.Load(v + 5 * V));
                    a6 *= VectorMath<T>.EluDerivative(Vector256.Load(v + 6 * V));
                    a7 *= VectorMath<T>.EluDerivative(Vector256.Load(v + 7 * V));
                }
                Vector256.Store(a0, dc); Vector256.Store(a1, dc + V); Vector256.Store(a2, dc + 2 * V); Vector256.Store(a3, dc + 3 * V);
                Vector256.Store(a4, dc + 4 * V); Vector256.Store(a5, dc + 5 * V); Vector256.Store(a6, dc + 6 * V); Vector256.Store(a7, dc + 7 * V);
            }
        }
        // ELU as a separate pass over the rows just written (still in L1): fused into the tile it needs ~10 more
        // registers than AVX2 has next to the 8 accumulators, and the spills cost more than this reload.
        if (ep == Epilogue.Elu) EluRows(output, nOut);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EluRows(T* rows, int count)
    {
        T* end = rows + count * P;
        for (T* p = rows; p < end; p += V) Vector256.Store(VectorMath<T>.Elu(Vector256.Load(p)), p);
    }

    /// <summary>
    /// Back-propagates the output gradient <paramref name="gout"/>·<paramref name="outSign"/> (2C rows) through one net
    /// evaluated on the 2C adjacent input rows <paramref name="input"/> with activations <paramref name="act"/>; adds
    /// inSign·∂/∂input to g0, g1 (C rows each) and, when <paramref name="acc"/> is set, the parameter gradients (packed
    /// net layout).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NetBackward(RealNvpOptions o, T* w, T* input, T* act, T* gout, T outSign, T inSign, T* g0, T* g1, T* acc)
    {
        int h = o.Hidden, n = o.MlpLayers, ch = _channels, m2 = 2 * ch;
        int first = RealNvpBijector.PackedFirstLayerSize(o);
        int outOffset = first + (n - 1) * (h * h + h);
        T* wout = w + outOffset;
        T* last = act + (n - 1) * h * P;
        T* go = gout;
        if (outSign != T.One)
        {
            go = _gtmp;
            var sign = Vector256.Create(outSign);
            for (int c = 0; c < m2 * P; c += V) Vector256.Store(sign * Vector256.Load(gout + c), go + c);
        }

        if (acc != null) OuterAccumulate(acc + outOffset, acc + outOffset + m2 * h, go, last, h, m2);

        // Gradient at the last hidden layer's output (Wᵀ·go), then through its ELU.
        T* gh = _gh0, gOther = _gh1;
        MatMul(wout, 1, h, null, m2, h, go, gh, Epilogue.EluDerivative, last);

        for (int l = n - 1; l >= 1; l--)
        {
            int off = first + (l - 1) * (h * h + h);
            T* wl = w + off;
            T* hin = act + (l - 1) * h * P;
            if (acc != null) OuterAccumulate(acc + off, acc + off + h * h, gh, hin, h, h);
            MatMul(wl, 1, h, null, h, h, gh, gOther, Epilogue.EluDerivative, hin);
            T* swap = gh; gh = gOther; gOther = swap;
        }

        // First layer: weights h×2C on the input rows; input gradient W₁ᵀ·gh into 2C scratch rows, then added with its sign.
        if (acc != null) OuterAccumulate(acc, acc + m2 * h, gh, input, m2, h);
        T* gin = _gtmp;
        MatMul(w, 1, m2, null, h, m2, gh, gin);
        var sg = Vector256.Create(inSign);
        for (int c = 0; c < ch * P; c += V)
        {
            Vector256.Store(VectorMath<T>.Fma(sg, Vector256.Load(gin + c), Vector256.Load(g0 + c)), g0 + c);
            Vector256.Store(VectorMath<T>.Fma(sg, Vector256.Load(gin + ch * P + c), Vector256.Load(g1 + c)), g1 + c);
        }
    }

    /// <summary>
    /// accW[r·nIn + k] += Σ_c g[r]·x[k] and accB[r] += Σ_c g[r]: 2 × 4 register tiles over the block, each reduced
    /// horizontally once per block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterAccumulate(T* accW, T* accB, T* g, T* x, int nIn, int nOut)
    {
        int rb = 0;
        for (; rb + 8 <= nOut; rb += 8)
        {
            T* gr = g + rb * P;
            var s0 = Vector256<T>.Zero; var s1 = s0; var s2 = s0; var s3 = s0; var s4 = s0; var s5 = s0; var s6 = s0; var s7 = s0;
            for (int c = 0; c < P; c += V)
            {
                s0 += Vector256.Load(gr + c); s1 += Vector256.Load(gr + P + c);
                s2 += Vector256.Load(gr + 2 * P + c); s3 += Vector256.Load(gr + 3 * P + c);
                s4 += Vector256.Load(gr + 4 * P + c); s5 += Vector256.Load(gr + 5 * P + c);
                s6 += Vector256.Load(gr + 6 * P + c); s7 += Vector256.Load(gr + 7 * P + c);
            }
            VectorMath<T>.AddSums(accB + rb, accB + rb + 4, s0, s1, s2, s3, s4, s5, s6, s7);
        }
        for (; rb < nOut; rb++)
        {
            T* gr = g + rb * P;
            var sb = Vector256<T>.Zero;
            for (int c = 0; c < P; c += V) sb += Vector256.Load(gr + c);
            accB[rb] += VectorMath<T>.Sum(sb);
        }
        if (nIn == 2)
        {
            // First layer: a 4-row × 2-column tile covers 8 consecutive packed weights.
            int r4 = 0;
            for (; r4 + 4 <= nOut; r4 += 4)
            {
                T* gr = g + r4 * P;
                var a0 = Vector256<T>.Zero; var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
                for (int c = 0; c < P; c += V)
                {
                    var y0 = Vector256.Load(x + c);
                    var y1 = Vector256.Load(x + P + c);
                    var u0 = Vector256.Load(gr + c);
                    var u1 = Vector256.Load(gr + P + c);
                    var u2 = Vector256.Load(gr + 2 * P + c);
                    var u3 = Vector256.Load(gr + 3 * P + c);
                    a0 = VectorMath<T>.Fma(u0, y0, a0); a1 = VectorMath<T>.Fma(u0, y1, a1);
                    a2 = VectorMath<T>.Fma(u1, y0, a2); a3 = VectorMath<T>.Fma(u1, y1, a3);
                    a4 = VectorMath<T>.Fma(u2, y0, a4); a5 = VectorMath<T>.Fma(u2, y1, a5);
                    a6 = VectorMath<T>.Fma(u3, y0, a6); a7 = VectorMath<T>.Fma(u3, y1, a7);
                }
                VectorMath<T>.AddSums(accW + 2 * r4, accW + 2 * r4 + 4, a0, a1, a2, a3, a4, a5, a6, a7);
            }
            for (; r4 < nOut; r4++)
            {
                T* gr = g + r4 * P;
                var a0 = Vector256<T>.Zero; var a1 = a0;
                for (int c = 0; c < P; c += V)
                {
                    var u = Vector256.Load(gr + c);
                    a0 = VectorMath<T>.Fma(u, Vector256.Load(x + c), a0);
                    a1 = VectorMath<T>.Fma(u, Vector256.Load(x + P + c), a1);
                }
                accW[2 * r4] += VectorMath<T>.Sum(a0);
                accW[2 * r4 + 1] += VectorMath<T>.Sum(a1);
            }
            return;
        }
        // Weights: one gradient row against 8 (then 4) input rows per tile; each input vector is an FMA memory operand.
        for (int r = 0; r < nOut; r++)
        {
            T* gr = g + r * P;
            T* dst = accW + r * nIn;
            int k = 0;
            for (; k + 8 <= nIn; k += 8)
            {
                T* xk = x + k * P;
                var a0 = Vector256<T>.Zero; var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
                for (int c = 0; c < P; c += V)
                {
                    var u = Vector256.Load(gr + c);
                    T* xc = xk + c;
                    a0 = VectorMath<T>.Fma(u, Vector256.Load(xc), a0);
                    a1 = VectorMath<T>.Fma(u, Vector256.Load(xc + P), a1);
                    a2 = VectorMath<T>.Fma(u, Vector256.Load(xc + 2 * P), a2);
                    a3 = VectorMath<T>.Fma(u, Vector256.Load(xc + 3 * P), a3);
                    a4 = VectorMath<T>.Fma(u, Vector256.Load(xc + 4 * P), a4);
                    a5 = VectorMath<T>.Fma(u, Vector256.Load(xc + 5 * P), a5);
                    a6 = VectorMath<T>.Fma(u, Vector256.Load(xc + 6 * P), a6);
                    a7 = VectorMath<T>.Fma(u, Vector256.Load(xc + 7 * P), a7);
                }
                VectorMath<T>.AddSums(dst + k, dst + k + 4, a0, a1, a2, a3, a4, a5, a6, a7);
            }
            for (; k < nIn; k += 4)
            {
                // 1–4 columns; rows past the end read the first row of the tile again and their sums are dropped.
                int m = Math.Min(4, nIn - k);
                T* x0 = x + k * P;
                T* x1 = m > 1 ? x0 + P : x0;
                T* x2 = m > 2 ? x0 + 2 * P : x0;
                T* x3 = m > 3 ? x0 + 3 * P : x0;
                var a0 = Vector256<T>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
                for (int c = 0; c < P; c += V)
                {
                    var u = Vector256.Load(gr + c);
                    a0 = VectorMath<T>.Fma(u, Vector256.Load(x0 + c), a0);
                    a1 = VectorMath<T>.Fma(u, Vector256.Load(x1 + c), a1);
                    a2 = VectorMath<T>.Fma(u, Vector256.Load(x2 + c), a2);
                    a3 = VectorMath<T>.Fma(u, Vector256.Load(x3 + c), a3);
                }
                if (m == 4) VectorMath<T>.AddSums4(dst + k, a0, a1, a2, a3);
                else
                {
                    dst[k] += VectorMath<T>.Sum(a0);
                    if (m > 1) dst[k + 1] += VectorMath<T>.Sum(a1);
                    if (m > 2) dst[k + 2] += VectorMath<T>.Sum(a2);
                }
            }
        }
    }

    // ───────────────────────────── parameter gradients ─────────────────────────────

    /// <summary>Zeroes the partial sums for a new layer pass.</summary>
    public void BeginGradient(RealNvpOptions o) => new Span<T>(_acc, o.Couplings * RealNvpBijector.PackedCouplingSize(o)).Clear();

    /// <summary>
    /// Moves the partial sums of the chunk just finished to <paramref name="destination"/> (that chunk's slot) and zeroes
    /// them, so that every chunk starts from zero whichever worker runs it.
    /// </summary>
    public void StoreGradient(RealNvpOptions o, T* destination)
    {
        var acc = new Span<T>(_acc, o.Couplings * RealNvpBijector.PackedCouplingSize(o));
        acc.CopyTo(new Span<T>(destination, acc.Length));
        acc.Clear();
    }
}
