using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpinFlow.Flows;

/// <summary>
/// One thread's scratch and kernels: a block of <see cref="P"/> plaquettes is gathered into structure-of-arrays rows
/// (one row of P values per plaquette element, per hidden unit, …) and pushed through all couplings of a bijector
/// with SIMD across plaquettes.
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
    private readonly Vector256<T>[] _lanesArray;
    private readonly Vector256<T>* _lanes;

    // Rows of P values.
    private readonly T* _y, _g, _ld, _gld, _neg, _gs, _gt, _gtmp, _gh0, _gh1;
    private readonly T*[] _act = new T*[4];
    private readonly T*[] _out = new T*[4];

    /// <summary>Lattice offsets (sample·N + site) of the 4 elements of each plaquette in the block, element-major.</summary>
    public readonly int[] Offsets = new int[4 * P];
    /// <summary>Sample index of each plaquette in the block.</summary>
    public readonly int[] Samples = new int[P];
    /// <summary>Gradient accumulated in double, packed layout of the current bijector.</summary>
    public readonly double[] Gradient;
    /// <summary>Per-sample log-det contributions of this worker during one layer pass.</summary>
    public double[] LogDet = [];
    private int _lanesPending;

    public BlockWorker(int maxHidden, int maxLayers, int maxPackedBijector)
    {
        int act = maxLayers * maxHidden * P;
        int total = 4 * P + 4 * P + P + P + 2 * P + 2 * P + 2 * P + 2 * P + 2 * maxHidden * P + 4 * act + 4 * 2 * P;
        _scratch = GC.AllocateArray<T>(total, pinned: true);
        _base = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_scratch));
        T* p = _base;
        T* Take(int n) { T* r = p; p += n; return r; }
        _y = Take(4 * P); _g = Take(4 * P); _ld = Take(P); _gld = Take(P);
        _neg = Take(2 * P); _gs = Take(2 * P); _gt = Take(2 * P); _gtmp = Take(2 * P);
        _gh0 = Take(maxHidden * P); _gh1 = Take(maxHidden * P);
        for (int i = 0; i < 4; i++) _act[i] = Take(act);
        for (int i = 0; i < 4; i++) _out[i] = Take(2 * P);
        _lanesArray = GC.AllocateArray<Vector256<T>>(maxPackedBijector, pinned: true);
        _lanes = (Vector256<T>*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_lanesArray));
        Gradient = new double[maxPackedBijector];
    }

    // ───────────────────────────── gather / scatter ─────────────────────────────

    /// <summary>Fills <see cref="Offsets"/> and <see cref="Samples"/> for global plaquettes [start, start + count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Locate(int[] sites, int plaquettes, int sitesPerSample, long start, int count)
    {
        for (int p = 0; p < count; p++)
        {
            long gidx = start + p;
            int sample = (int)(gidx / plaquettes);
            int q = (int)(gidx - (long)sample * plaquettes);
            int baseOffset = sample * sitesPerSample;
            Samples[p] = sample;
            for (int k = 0; k < 4; k++) Offsets[k * P + p] = baseOffset + sites[4 * q + k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(T* lattice, int count, bool gradient)
    {
        T* dst = gradient ? _g : _y;
        for (int k = 0; k < 4; k++)
        {
            T* row = dst + k * P;
            int kp = k * P;
            for (int p = 0; p < count; p++) row[p] = lattice[Offsets[kp + p]];
            for (int p = count; p < P; p++) row[p] = T.Zero;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scatter(T* lattice, int count, bool gradient)
    {
        T* src = gradient ? _g : _y;
        for (int k = 0; k < 4; k++)
        {
            T* row = src + k * P;
            int kp = k * P;
            for (int p = 0; p < count; p++) lattice[Offsets[kp + p]] = row[p];
        }
    }

    public void ClearLogDet() => new Span<T>(_ld, P).Clear();

    /// <summary>Adds the block's per-plaquette log-dets (float or double) to the per-sample double sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AccumulateLogDet(int count)
    {
        for (int p = 0; p < count; p++) LogDet[Samples[p]] += double.CreateTruncating(_ld[p]);
    }

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
        T* sOut = _out[0], tOut = _out[1];
        for (int oi = 0; oi < 2; oi++)
        {
            var a = Vector256.Create(w[2 * pns + oi]);
            T* y = _y + (oi == 0 ? t0 : t1) * P;
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

    /// <summary>
    /// S and T nets on the conditioner rows; results in _out[0] (S pre-tanh) and _out[1] (T), activations kept in
    /// _act[0..1] (and the negated copies in _act[2..3] for the equivariant option) for a following backward step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluateNets(RealNvpOptions o, T* w, int c0, int c1)
    {
        int pns = RealNvpBijector.PackedNetSize(o);
        T* in0 = _y + c0 * P, in1 = _y + c1 * P;
        NetForward(o, w, in0, in1, _act[0], _out[0]);
        NetForward(o, w + pns, in0, in1, _act[1], _out[1]);
        if (o.Equivariant)
        {
            T* n0 = _neg, n1 = _neg + P;
            for (int c = 0; c < P; c += V)
            {
                Vector256.Store(-Vector256.Load(in0 + c), n0 + c);
                Vector256.Store(-Vector256.Load(in1 + c), n1 + c);
            }
            NetForward(o, w, n0, n1, _act[2], _out[2]);
            NetForward(o, w + pns, n0, n1, _act[3], _out[3]);
            // Even S: S(y) + S(−y); odd T: T(y) − T(−y).
            for (int c = 0; c < 2 * P; c += V)
            {
                Vector256.Store(Vector256.Load(_out[0] + c) + Vector256.Load(_out[2] + c), _out[0] + c);
                Vector256.Store(Vector256.Load(_out[1] + c) - Vector256.Load(_out[3] + c), _out[1] + c);
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
            Vector256<T>* lanes = parameterGradients ? _lanes + j * pcs : null;
            var (c0, c1, t0, t1) = RealNvpBijector.Mask(j);
            EvaluateNets(o, w, c0, c1);
            for (int oi = 0; oi < 2; oi++)
            {
                T aScalar = w[2 * pns + oi];
                var a = Vector256.Create(aScalar);
                T* y = _y + (oi == 0 ? t0 : t1) * P;
                T* g = _g + (oi == 0 ? t0 : t1) * P;
                T* sr = _out[0] + oi * P, tr = _out[1] + oi * P;
                T* gsr = _gs + oi * P, gtr = _gt + oi * P;
                var aGrad = Vector256<T>.Zero;
                for (int c = 0; c < P; c += V)
                {
                    var th = VectorMath<T>.Tanh(Vector256.Load(sr + c));
                    var s = a * th;
                    var diff = Vector256.Load(y + c) - Vector256.Load(tr + c);   // = y_in · e^s
                    var gy = Vector256.Load(g + c);
                    var gs = VectorMath<T>.Fma(gy, diff, Vector256.Load(_gld + c));
                    aGrad = VectorMath<T>.Fma(gs, th, aGrad);
                    Vector256.Store(gs * a * (Vector256<T>.One - th * th), gsr + c);
                    Vector256.Store(gy, gtr + c);
                    Vector256.Store(gy * VectorMath<T>.Exp(s), g + c);
                    Vector256.Store(diff * VectorMath<T>.Exp(-s), y + c);
                }
                if (lanes != null) lanes[2 * pns + oi] += aGrad;
            }
            T* in0 = _y + c0 * P, in1 = _y + c1 * P;
            T* g0 = _g + c0 * P, g1 = _g + c1 * P;
            T one = T.One;
            NetBackward(o, w + pns, in0, in1, _act[1], _gt, one, one, g0, g1, lanes == null ? null : lanes + pns);
            NetBackward(o, w, in0, in1, _act[0], _gs, one, one, g0, g1, lanes);
            if (o.Equivariant)
            {
                // The copies see −y: their input gradients enter with a minus sign; T(y) − T(−y) flips the T copy's output gradient.
                NetBackward(o, w + pns, _neg, _neg + P, _act[3], _gt, -one, -one, g0, g1, lanes == null ? null : lanes + pns);
                NetBackward(o, w, _neg, _neg + P, _act[2], _gs, one, -one, g0, g1, lanes);
            }
        }
        if (parameterGradients && ++_lanesPending >= 64) FlushLanes(o);
    }

    // ───────────────────────────── MLP kernels ─────────────────────────────
    //
    // Activations are rows of P values (one row per unit). The matrix kernels hold a 2-row × 4-vector tile of
    // accumulators in registers so that each broadcast weight and each loaded input vector feeds several FMAs;
    // ELU runs as a separate streaming pass, which keeps the exp constants in registers instead of spilling the tile.

    /// <summary>4 → h → (h → h)×(n−1) → 4 net on the two active inputs and the two active outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NetForward(RealNvpOptions o, T* w, T* in0, T* in1, T* act, T* output)
    {
        int h = o.Hidden, n = o.MlpLayers;
        FirstLayer(w, w + 2 * h, h, in0, in1, act);
        EluRows(act, h);
        T* prev = act;
        T* wl = w + 3 * h;
        for (int l = 1; l < n; l++)
        {
            MatMul(wl, h, 1, wl + h * h, h, h, prev, prev + h * P);
            EluRows(prev + h * P, h);
            prev += h * P;
            wl += h * h + h;
        }
        MatMul(wl, h, 1, wl + 2 * h, h, 2, prev, output);
    }

    /// <summary>Pre-activations of the first layer: act[i] = W[i,0]·in0 + W[i,1]·in1 + b[i].</summary>
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
                Vector256.Store(VectorMath<T>.Fma(w0, Vector256.Load(in0 + c), VectorMath<T>.Fma(w1, Vector256.Load(in1 + c), b)), dst + c);
        }
    }

    /// <summary>
    /// output[r] = bias[r] + Σ_k W(r, k)·input[k] for r &lt; nOut, with W(r, k) = w[r·rs + k·ks] (so a transposed
    /// matrix is just other strides); bias may be null.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MatMul(T* w, int rs, int ks, T* bias, int nIn, int nOut, T* input, T* output)
    {
        int r = 0;
        for (; r + 2 <= nOut; r += 2)
        {
            T* wr0 = w + r * rs, wr1 = wr0 + rs;
            var b0 = bias != null ? Vector256.Create(bias[r]) : Vector256<T>.Zero;
            var b1 = bias != null ? Vector256.Create(bias[r + 1]) : Vector256<T>.Zero;
            T* d0 = output + r * P, d1 = d0 + P;
            for (int c = 0; c < P; c += 4 * V)
            {
                var a00 = b0; var a01 = b0; var a02 = b0; var a03 = b0;
                var a10 = b1; var a11 = b1; var a12 = b1; var a13 = b1;
                T* src = input + c;
                for (int k = 0; k < nIn; k++, src += P)
                {
                    var x0 = Vector256.Load(src);
                    var x1 = Vector256.Load(src + V);
                    var x2 = Vector256.Load(src + 2 * V);
                    var x3 = Vector256.Load(src + 3 * V);
                    var u = Vector256.Create(wr0[k * ks]);
                    var v = Vector256.Create(wr1[k * ks]);
                    a00 = VectorMath<T>.Fma(u, x0, a00); a01 = VectorMath<T>.Fma(u, x1, a01);
                    a02 = VectorMath<T>.Fma(u, x2, a02); a03 = VectorMath<T>.Fma(u, x3, a03);
                    a10 = VectorMath<T>.Fma(v, x0, a10); a11 = VectorMath<T>.Fma(v, x1, a11);
                    a12 = VectorMath<T>.Fma(v, x2, a12); a13 = VectorMath<T>.Fma(v, x3, a13);
                }
                Vector256.Store(a00, d0 + c); Vector256.Store(a01, d0 + c + V);
                Vector256.Store(a02, d0 + c + 2 * V); Vector256.Store(a03, d0 + c + 3 * V);
                Vector256.Store(a10, d1 + c); Vector256.Store(a11, d1 + c + V);
                Vector256.Store(a12, d1 + c + 2 * V); Vector256.Store(a13, d1 + c + 3 * V);
            }
        }
        for (; r < nOut; r++)
        {
            T* wr = w + r * rs;
            var b = bias != null ? Vector256.Create(bias[r]) : Vector256<T>.Zero;
            T* d = output + r * P;
            for (int c = 0; c < P; c += 4 * V)
            {
                var a0 = b; var a1 = b; var a2 = b; var a3 = b;
                T* src = input + c;
                for (int k = 0; k < nIn; k++, src += P)
                {
                    var u = Vector256.Create(wr[k * ks]);
                    a0 = VectorMath<T>.Fma(u, Vector256.Load(src), a0);
                    a1 = VectorMath<T>.Fma(u, Vector256.Load(src + V), a1);
                    a2 = VectorMath<T>.Fma(u, Vector256.Load(src + 2 * V), a2);
                    a3 = VectorMath<T>.Fma(u, Vector256.Load(src + 3 * V), a3);
                }
                Vector256.Store(a0, d + c); Vector256.Store(a1, d + c + V);
                Vector256.Store(a2, d + c + 2 * V); Vector256.Store(a3, d + c + 3 * V);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EluRows(T* rows, int count)
    {
        T* end = rows + count * P;
        for (T* p = rows; p < end; p += V) Vector256.Store(VectorMath<T>.Elu(Vector256.Load(p)), p);
    }

    /// <summary>g[k] ·= ELU′ at the layer whose outputs are v[k].</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EluBackwardRows(T* g, T* v, int count)
    {
        int n = count * P;
        for (int i = 0; i < n; i += V)
            Vector256.Store(Vector256.Load(g + i) * VectorMath<T>.EluDerivative(Vector256.Load(v + i)), g + i);
    }

    /// <summary>
    /// Back-propagates the output gradient <paramref name="gout"/>·<paramref name="outSign"/> (2 rows) through one net
    /// evaluated on (in0, in1) with activations <paramref name="act"/>; adds inSign·∂/∂input to g0, g1 and, when
    /// <paramref name="lanes"/> is set, the parameter gradients (packed net layout) to the lane accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NetBackward(RealNvpOptions o, T* w, T* in0, T* in1, T* act, T* gout, T outSign, T inSign, T* g0, T* g1, Vector256<T>* lanes)
    {
        int h = o.Hidden, n = o.MlpLayers;
        int outOffset = 3 * h + (n - 1) * (h * h + h);
        T* wout = w + outOffset;
        T* last = act + (n - 1) * h * P;
        T* go = gout;
        if (outSign != T.One)
        {
            go = _gtmp;
            var sign = Vector256.Create(outSign);
            for (int c = 0; c < 2 * P; c += V) Vector256.Store(sign * Vector256.Load(gout + c), go + c);
        }

        if (lanes != null) OuterAccumulate(lanes + outOffset, lanes + outOffset + 2 * h, go, last, h, 2);

        // Gradient at the last hidden layer's output (Wᵀ·go), then through its ELU.
        T* gh = _gh0, gOther = _gh1;
        MatMul(wout, 1, h, null, 2, h, go, gh);
        EluBackwardRows(gh, last, h);

        for (int l = n - 1; l >= 1; l--)
        {
            int off = 3 * h + (l - 1) * (h * h + h);
            T* wl = w + off;
            T* hin = act + (l - 1) * h * P;
            if (lanes != null) OuterAccumulate(lanes + off, lanes + off + h * h, gh, hin, h, h);
            MatMul(wl, 1, h, null, h, h, gh, gOther);
            EluBackwardRows(gOther, hin, h);
            T* swap = gh; gh = gOther; gOther = swap;
        }

        // First layer: inputs (in0, in1), weights h×2.
        if (lanes != null)
        {
            for (int i = 0; i < h; i++)
            {
                T* gi = gh + i * P;
                var s0 = Vector256<T>.Zero; var s1 = s0; var sb = s0;
                for (int c = 0; c < P; c += V)
                {
                    var gv = Vector256.Load(gi + c);
                    s0 = VectorMath<T>.Fma(gv, Vector256.Load(in0 + c), s0);
                    s1 = VectorMath<T>.Fma(gv, Vector256.Load(in1 + c), s1);
                    sb += gv;
                }
                lanes[2 * i] += s0;
                lanes[2 * i + 1] += s1;
                lanes[2 * h + i] += sb;
            }
        }
        var sg = Vector256.Create(inSign);
        for (int c = 0; c < P; c += V)
        {
            var a0 = Vector256<T>.Zero; var a1 = a0;
            for (int i = 0; i < h; i++)
            {
                var gv = Vector256.Load(gh + i * P + c);
                a0 = VectorMath<T>.Fma(Vector256.Create(w[2 * i]), gv, a0);
                a1 = VectorMath<T>.Fma(Vector256.Create(w[2 * i + 1]), gv, a1);
            }
            Vector256.Store(VectorMath<T>.Fma(sg, a0, Vector256.Load(g0 + c)), g0 + c);
            Vector256.Store(VectorMath<T>.Fma(sg, a1, Vector256.Load(g1 + c)), g1 + c);
        }
    }

    /// <summary>
    /// lanesW[r·nIn + k] += Σ_c g[r]·x[k] and lanesB[r] += Σ_c g[r] as lane-wise partial sums (2 × 4 register tiles).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterAccumulate(Vector256<T>* lanesW, Vector256<T>* lanesB, T* g, T* x, int nIn, int nOut)
    {
        for (int r = 0; r < nOut; r++)
        {
            T* gr = g + r * P;
            var sb = Vector256<T>.Zero;
            for (int c = 0; c < P; c += V) sb += Vector256.Load(gr + c);
            lanesB[r] += sb;
        }
        int r2 = 0;
        for (; r2 + 2 <= nOut; r2 += 2)
        {
            T* g0 = g + r2 * P, g1 = g0 + P;
            int k = 0;
            for (; k + 4 <= nIn; k += 4)
            {
                T* x0 = x + k * P;
                var a00 = Vector256<T>.Zero; var a01 = a00; var a02 = a00; var a03 = a00;
                var a10 = a00; var a11 = a00; var a12 = a00; var a13 = a00;
                for (int c = 0; c < P; c += V)
                {
                    var u = Vector256.Load(g0 + c);
                    var v = Vector256.Load(g1 + c);
                    var y0 = Vector256.Load(x0 + c);
                    var y1 = Vector256.Load(x0 + P + c);
                    var y2 = Vector256.Load(x0 + 2 * P + c);
                    var y3 = Vector256.Load(x0 + 3 * P + c);
                    a00 = VectorMath<T>.Fma(u, y0, a00); a01 = VectorMath<T>.Fma(u, y1, a01);
                    a02 = VectorMath<T>.Fma(u, y2, a02); a03 = VectorMath<T>.Fma(u, y3, a03);
                    a10 = VectorMath<T>.Fma(v, y0, a10); a11 = VectorMath<T>.Fma(v, y1, a11);
                    a12 = VectorMath<T>.Fma(v, y2, a12); a13 = VectorMath<T>.Fma(v, y3, a13);
                }
                Vector256<T>* l0 = lanesW + r2 * nIn + k, l1 = l0 + nIn;
                l0[0] += a00; l0[1] += a01; l0[2] += a02; l0[3] += a03;
                l1[0] += a10; l1[1] += a11; l1[2] += a12; l1[3] += a13;
            }
            for (; k < nIn; k++)
            {
                T* xk = x + k * P;
                var a0 = Vector256<T>.Zero; var a1 = a0;
                for (int c = 0; c < P; c += V)
                {
                    var y = Vector256.Load(xk + c);
                    a0 = VectorMath<T>.Fma(Vector256.Load(g0 + c), y, a0);
                    a1 = VectorMath<T>.Fma(Vector256.Load(g1 + c), y, a1);
                }
                lanesW[r2 * nIn + k] += a0;
                lanesW[(r2 + 1) * nIn + k] += a1;
            }
        }
        for (; r2 < nOut; r2++)
        {
            T* gr = g + r2 * P;
            for (int k = 0; k < nIn; k++)
            {
                T* xk = x + k * P;
                var a = Vector256<T>.Zero;
                for (int c = 0; c < P; c += V) a = VectorMath<T>.Fma(Vector256.Load(gr + c), Vector256.Load(xk + c), a);
                lanesW[r2 * nIn + k] += a;
            }
        }
    }

    // ───────────────────────────── parameter gradients ─────────────────────────────

    /// <summary>Zeroes the lane accumulators and the double gradient for a new layer pass.</summary>
    public void BeginGradient(RealNvpOptions o)
    {
        int n = o.Couplings * RealNvpBijector.PackedCouplingSize(o);
        new Span<Vector256<T>>(_lanes, n).Clear();
        Array.Clear(Gradient, 0, n);
        _lanesPending = 0;
    }

    /// <summary>Moves the lane partial sums into the double gradient (bounds float round-off over many blocks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FlushLanes(RealNvpOptions o)
    {
        int n = o.Couplings * RealNvpBijector.PackedCouplingSize(o);
        for (int q = 0; q < n; q++)
        {
            Gradient[q] += double.CreateTruncating(VectorMath<T>.Sum(_lanes[q]));
            _lanes[q] = Vector256<T>.Zero;
        }
        _lanesPending = 0;
    }
}
