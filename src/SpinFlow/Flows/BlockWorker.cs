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

    private static readonly int V = Vector256<T>.Count;

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
    public void AccumulateLogDet(int count)
    {
        for (int p = 0; p < count; p++) LogDet[Samples[p]] += double.CreateTruncating(_ld[p]);
    }

    /// <summary>Sets each plaquette's upstream log-det gradient from its sample's; padding lanes get 0 so they add nothing.</summary>
    public void LoadLogDetGradient(ReadOnlySpan<double> gradLogDet, int count)
    {
        for (int p = 0; p < count; p++) _gld[p] = T.CreateTruncating(gradLogDet[Samples[p]]);
        for (int p = count; p < P; p++) _gld[p] = T.Zero;
    }

    // ───────────────────────────── bijector passes ─────────────────────────────

    /// <summary>Generation direction through all couplings of the bijector for the gathered block.</summary>
    public void Forward(RealNvpOptions o, T* packed)
    {
        int pcs = RealNvpBijector.PackedCouplingSize(o);
        for (int j = 0; j < o.Couplings; j++) Coupling(o, packed + j * pcs, j, inverse: false);
    }

    /// <summary>Inference direction (inverse) through all couplings, last to first.</summary>
    public void Inverse(RealNvpOptions o, T* packed)
    {
        int pcs = RealNvpBijector.PackedCouplingSize(o);
        for (int j = o.Couplings - 1; j >= 0; j--) Coupling(o, packed + j * pcs, j, inverse: true);
    }

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

    /// <summary>4 → h → (h → h)×(n−1) → 4 net on the two active inputs and the two active outputs.</summary>
    private static void NetForward(RealNvpOptions o, T* w, T* in0, T* in1, T* act, T* output)
    {
        int h = o.Hidden, n = o.MlpLayers;
        T* b0 = w + 2 * h;
        for (int i = 0; i < h; i++)
        {
            var w0 = Vector256.Create(w[2 * i]);
            var w1 = Vector256.Create(w[2 * i + 1]);
            var b = Vector256.Create(b0[i]);
            T* dst = act + i * P;
            for (int c = 0; c < P; c += V)
            {
                var u = VectorMath<T>.Fma(w0, Vector256.Load(in0 + c), VectorMath<T>.Fma(w1, Vector256.Load(in1 + c), b));
                Vector256.Store(VectorMath<T>.Elu(u), dst + c);
            }
        }
        T* prev = act;
        T* wl = w + 3 * h;
        for (int l = 1; l < n; l++)
        {
            Dense(wl, wl + h * h, h, h, prev, prev + h * P, elu: true);
            prev += h * P;
            wl += h * h + h;
        }
        Dense(wl, wl + 2 * h, h, 2, prev, output, elu: false);
    }

    /// <summary>output[i] = act(b[i] + Σ_j W[i, j]·input[j]) on rows of P values; W is nOut×nIn row-major.</summary>
    private static void Dense(T* weights, T* bias, int nIn, int nOut, T* input, T* output, bool elu)
    {
        for (int i = 0; i < nOut; i++)
        {
            T* wi = weights + i * nIn;
            var b = Vector256.Create(bias[i]);
            T* dst = output + i * P;
            for (int c = 0; c < P; c += 4 * V)
            {
                var a0 = b; var a1 = b; var a2 = b; var a3 = b;
                T* src = input + c;
                for (int j = 0; j < nIn; j++, src += P)
                {
                    var wv = Vector256.Create(wi[j]);
                    a0 = VectorMath<T>.Fma(wv, Vector256.Load(src), a0);
                    a1 = VectorMath<T>.Fma(wv, Vector256.Load(src + V), a1);
                    a2 = VectorMath<T>.Fma(wv, Vector256.Load(src + 2 * V), a2);
                    a3 = VectorMath<T>.Fma(wv, Vector256.Load(src + 3 * V), a3);
                }
                if (elu)
                {
                    a0 = VectorMath<T>.Elu(a0); a1 = VectorMath<T>.Elu(a1);
                    a2 = VectorMath<T>.Elu(a2); a3 = VectorMath<T>.Elu(a3);
                }
                Vector256.Store(a0, dst + c);
                Vector256.Store(a1, dst + c + V);
                Vector256.Store(a2, dst + c + 2 * V);
                Vector256.Store(a3, dst + c + 3 * V);
            }
        }
    }

    /// <summary>
    /// Back-propagates the output gradient <paramref name="gout"/>·<paramref name="outSign"/> (2 rows) through one net
    /// evaluated on (in0, in1) with activations <paramref name="act"/>; adds inSign·∂/∂input to g0, g1 and, when
    /// <paramref name="lanes"/> is set, the parameter gradients (packed net layout) to the lane accumulators.
    /// </summary>
    private void NetBackward(RealNvpOptions o, T* w, T* in0, T* in1, T* act, T* gout, T outSign, T inSign, T* g0, T* g1, Vector256<T>* lanes)
    {
        int h = o.Hidden, n = o.MlpLayers;
        int outOffset = 3 * h + (n - 1) * (h * h + h);
        T* wout = w + outOffset;
        T* last = act + (n - 1) * h * P;
        T* go = _gtmp;
        var sign = Vector256.Create(outSign);
        for (int c = 0; c < 2 * P; c += V) Vector256.Store(sign * Vector256.Load(gout + c), go + c);

        if (lanes != null) WeightGradient(lanes + outOffset, lanes + outOffset + 2 * h, go, last, h, 2);

        // Gradient at the last hidden layer's output, then through its ELU.
        T* gh = _gh0, gOther = _gh1;
        for (int jj = 0; jj < h; jj++)
        {
            var w0 = Vector256.Create(wout[jj]);
            var w1 = Vector256.Create(wout[h + jj]);
            T* hj = last + jj * P;
            T* dst = gh + jj * P;
            for (int c = 0; c < P; c += V)
            {
                var v = VectorMath<T>.Fma(w0, Vector256.Load(go + c), w1 * Vector256.Load(go + P + c));
                Vector256.Store(v * VectorMath<T>.EluDerivative(Vector256.Load(hj + c)), dst + c);
            }
        }

        for (int l = n - 1; l >= 1; l--)
        {
            int off = 3 * h + (l - 1) * (h * h + h);
            T* wl = w + off;
            T* hin = act + (l - 1) * h * P;
            if (lanes != null) WeightGradient(lanes + off, lanes + off + h * h, gh, hin, h, h);
            // gOther[j] = ELU′(hin[j]) · Σ_i W[i, j] gh[i]
            for (int jj = 0; jj < h; jj++)
            {
                T* dst = gOther + jj * P;
                T* hj = hin + jj * P;
                for (int c = 0; c < P; c += 4 * V)
                {
                    var a0 = Vector256<T>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
                    T* src = gh + c;
                    for (int i = 0; i < h; i++, src += P)
                    {
                        var wv = Vector256.Create(wl[i * h + jj]);
                        a0 = VectorMath<T>.Fma(wv, Vector256.Load(src), a0);
                        a1 = VectorMath<T>.Fma(wv, Vector256.Load(src + V), a1);
                        a2 = VectorMath<T>.Fma(wv, Vector256.Load(src + 2 * V), a2);
                        a3 = VectorMath<T>.Fma(wv, Vector256.Load(src + 3 * V), a3);
                    }
                    Vector256.Store(a0 * VectorMath<T>.EluDerivative(Vector256.Load(hj + c)), dst + c);
                    Vector256.Store(a1 * VectorMath<T>.EluDerivative(Vector256.Load(hj + c + V)), dst + c + V);
                    Vector256.Store(a2 * VectorMath<T>.EluDerivative(Vector256.Load(hj + c + 2 * V)), dst + c + 2 * V);
                    Vector256.Store(a3 * VectorMath<T>.EluDerivative(Vector256.Load(hj + c + 3 * V)), dst + c + 3 * V);
                }
            }
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

    /// <summary>lanes_W[i·nIn + j] += Σ_c gOut[i]·input[j], lanes_b[i] += Σ_c gOut[i] (lane-wise partial sums).</summary>
    private static void WeightGradient(Vector256<T>* lanesW, Vector256<T>* lanesB, T* gOut, T* input, int nIn, int nOut)
    {
        for (int i = 0; i < nOut; i++)
        {
            T* gi = gOut + i * P;
            var sb = Vector256<T>.Zero;
            for (int c = 0; c < P; c += V) sb += Vector256.Load(gi + c);
            lanesB[i] += sb;
            for (int jj = 0; jj < nIn; jj++)
            {
                T* xj = input + jj * P;
                var s0 = Vector256<T>.Zero; var s1 = s0;
                for (int c = 0; c < P; c += 2 * V)
                {
                    s0 = VectorMath<T>.Fma(Vector256.Load(gi + c), Vector256.Load(xj + c), s0);
                    s1 = VectorMath<T>.Fma(Vector256.Load(gi + c + V), Vector256.Load(xj + c + V), s1);
                }
                lanesW[i * nIn + jj] += s0 + s1;
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
