package org.qkdv2i.qkd.postprocessing.cascade;

import java.util.Arrays;

import org.qkdv2i.qkd.postprocessing.Bits;

/**
 * Bob's side of Cascade: drives the protocol, asks Alice for parities in batches (one
 * {@link ParityRequest} per round trip, all BINARY searches of a round run in parallel) and
 * corrects his key in place.
 *
 * <p>Per pass, each top-level block is the root of a bisection tree (left half = first
 * ⌈size/2⌉ positions). For every tree node whose correct parity is known (asked, or inferred as
 * parent ⊕ sibling) Bob keeps Alice's parity and his own current parity; flipping a bit toggles
 * his parity on the known nodes containing it in every pass so far, and a node that now disagrees
 * is queued for BINARY (Brassard–Salvail's "cascade" step; with sub-block reuse the smallest such
 * node, Martinez-Mateo et al. 2015 §4). Each BINARY step asks one parity (the left half); the right
 * half is inferred and costs nothing. Not thread-safe; one per block.
 *
 * <pre>
 * for (ParityRequest r; (r = bob.nextRequest()) != null; ) bob.accept(channel.ask(r));
 * CascadeResult res = bob.result();
 * </pre>
 */
public final class CascadeBob {
    private final CascadePlan plan;
    private final int n;
    private final long[] key;
    private final KeyViews views;
    private final boolean subBlockReuse;
    private final int overlapSearches;
    /**
     * Per pass, 4 bits per tree node (node id g = block · treeSize + heap index): known, Alice's
     * parity, Bob's parity, request pending; interleaved so one node is one memory access. Stored
     * in pages of 8192 nodes allocated on first write: the late passes' two trees of 2^20 nodes
     * each are touched only along a few bisection paths, and zeroing them cost ~8% of a run.
     */
    private final long[][][] st;
    /** Inverse shuffles fetched from the plan so far (null until a flip needs one). */
    private final int[][] invs, perms;
    /** log2 of each pass's block size, or −1 if it is not a power of two. */
    private final int[] blockShift;
    private static final int PAGE_BITS = 9;
    private static final int PAGE_MASK = (1 << PAGE_BITS) - 1;
    private static final int KNOWN = 1, ALICE = 2, BOB = 4, PENDING = 8;

    private int currentPass = -1;
    private int awaitingTop = -1;
    private boolean outstanding;
    private boolean done;

    // work stack of nodes to examine: (pass, node id, lo, hi)
    private int[] work = new int[256];
    private int workSize;
    // outstanding range requests: (pass, node id, lo, mid, hi)
    private int[] req = new int[320];
    private int reqSize;

    private long disclosed;
    private int rounds;
    private int corrected;

    /** @param key Bob's key, {@code plan.length()} bits; copied. */
    public CascadeBob(CascadePlan plan, long[] key) {
        this(plan, key, 0);
    }

    /**
     * Cascade with overlapping passes, for links where the round trip costs more than a few
     * parities: from the second pass on, Bob asks for the next pass's top-level parities as soon as
     * the current pass has at most {@code overlapSearches} BINARY searches outstanding, in the same
     * request as those searches, instead of when it has finished. A pass's last searches are chains
     * of corrections cascading between the first two passes, one bisection after another; the next
     * pass finds the same errors sooner, at the price of a few more parities. Measured
     * (optimised schedule, n = 4.1·10^5, QBER 1 %): 0 → 718 round trips, f 1.034; 5 → 499, f 1.046;
     * 20 → 324, f 1.079. Every parity is still counted; the result is exact either way.
     *
     * @param overlapSearches 0 for the classic schedule (a pass starts when the last has finished)
     * @since 1.1
     */
    public CascadeBob(CascadePlan plan, long[] key, int overlapSearches) {
        if (overlapSearches < 0) {
            throw new IllegalArgumentException("overlapSearches must be >= 0");
        }
        this.overlapSearches = overlapSearches;
        if (key.length < Bits.words(plan.length())) {
            throw new IllegalArgumentException("key shorter than the plan");
        }
        this.plan = plan;
        this.n = plan.length();
        this.key = Arrays.copyOf(key, Bits.words(n));
        Bits.clearTail(this.key, n);
        this.views = new KeyViews(plan, this.key);
        this.subBlockReuse = plan.variant() == CascadeVariant.OPTIMISED;
        int passes = plan.passes();
        st = new long[passes][][];
        invs = new int[passes][];
        perms = new int[passes][];
        blockShift = new int[passes];
        for (int q = 0; q < passes; q++) {
            int k = plan.blockSize(q);
            blockShift[q] = Integer.bitCount(k) == 1 ? Integer.numberOfTrailingZeros(k) : -1;
        }
    }

    /** The word holding node g (0 if its page was never written). */
    private static long word(long[][] a, int g) {
        long[] page = a[g >>> (4 + PAGE_BITS)];
        return page == null ? 0 : page[(g >>> 4) & PAGE_MASK];
    }

    private static long[] page(long[][] a, int g) {
        int i = g >>> (4 + PAGE_BITS);
        long[] page = a[i];
        if (page == null) {
            page = new long[1 << PAGE_BITS];
            a[i] = page;
        }
        return page;
    }

    private static int node(long[][] a, int g) {
        return (int) (word(a, g) >>> ((g & 15) << 2)) & 15;
    }

    private static void setFlag(long[][] a, int g, int flag) {
        page(a, g)[(g >>> 4) & PAGE_MASK] |= (long) flag << ((g & 15) << 2);
    }

    /** Sets a node known with the given parities (pending cleared). */
    private static void define(long[][] a, int g, boolean alice, boolean bob) {
        int sh = (g & 15) << 2;
        long v = KNOWN | (alice ? ALICE : 0) | (bob ? BOB : 0);
        long[] page = page(a, g);
        int w = (g >>> 4) & PAGE_MASK;
        page[w] = (page[w] & ~(15L << sh)) | (v << sh);
    }

    private static boolean mismatch(long[][] a, int g) {
        int v = node(a, g);
        return (((v >>> 1) ^ (v >>> 2)) & 1) != 0;
    }

    private boolean mismatch(int p, int g) {
        return mismatch(st[p], g);
    }

    /** The next request to send to Alice, or null when Cascade has finished. */
    public ParityRequest nextRequest() {
        if (outstanding) {
            throw new IllegalStateException("previous request not answered");
        }
        if (done) {
            return null;
        }
        processWork();
        int c = reqSize / 5;
        boolean next = currentPass + 1 < plan.passes() && (c == 0 || (currentPass >= 1 && c <= overlapSearches));
        if (c == 0 && !next) {
            done = true;
            return null;
        }
        int top = -1;
        if (next) {
            currentPass++;
            long words = (4L * plan.blocks(currentPass) * plan.treeSize(currentPass) + 63) >>> 6;
            st[currentPass] = new long[(int) ((words + PAGE_MASK) >>> PAGE_BITS)][];
            awaitingTop = currentPass;
            top = currentPass;
        }
        int[] ps = new int[c], fs = new int[c], ts = new int[c];
        for (int i = 0; i < c; i++) {
            ps[i] = req[5 * i];
            fs[i] = req[5 * i + 2];
            ts[i] = req[5 * i + 3];
        }
        outstanding = true;
        return new ParityRequest(top, ps, fs, ts);
    }

    /** Takes Alice's answer to the last request. */
    public void accept(ParityResponse r) {
        if (!outstanding) {
            throw new IllegalStateException("no request outstanding");
        }
        int c = reqSize / 5;
        int p0 = awaitingTop;
        int nb0 = p0 >= 0 ? plan.blocks(p0) : 0;
        if (r.count() != c || r.topCount() != nb0) {
            throw new IllegalArgumentException("expected " + nb0 + " top-level and " + c + " range parities");
        }
        outstanding = false;
        rounds++;
        disclosed += c;
        for (int i = 0; i < c; i++) {
            int p = req[5 * i], g = req[5 * i + 1], lo = req[5 * i + 2], mid = req[5 * i + 3], hi = req[5 * i + 4];
            // tree sizes are powers of two: the block's base id is g with the heap index masked off
            int base = g & -plan.treeSize(p);
            int gl = 2 * g - base, gr = gl + 1;
            boolean a = r.parity(i) != 0;
            boolean bl = views.rangeParity(p, lo, mid) != 0;
            long[][] t = st[p];
            int parent = node(t, g);
            define(t, gl, a, bl);
            define(t, gr, a ^ ((parent & ALICE) != 0), bl ^ ((parent & BOB) != 0));
            push(p, g, lo, hi);
        }
        reqSize = 0;
        if (p0 >= 0) {
            awaitingTop = -1;
            int k = plan.blockSize(p0), ts = plan.treeSize(p0);
            disclosed += nb0;
            long[] mine = views.topParities(p0);
            for (int b = 0; b < nb0; b++) {
                int g = b * ts + 1;
                define(st[p0], g, r.topParity(b) != 0, Bits.bit(mine, b) != 0);
                if (mismatch(p0, g)) {
                    push(p0, g, b * k, Math.min(n, b * k + k));
                }
            }
        }
    }

    private void push(int p, int g, int lo, int hi) {
        if (workSize + 4 > work.length) {
            work = Arrays.copyOf(work, work.length * 2);
        }
        work[workSize++] = p;
        work[workSize++] = g;
        work[workSize++] = lo;
        work[workSize++] = hi;
    }

    private void processWork() {
        while (workSize > 0) {
            workSize -= 4;
            int p = work[workSize], g = work[workSize + 1], lo = work[workSize + 2], hi = work[workSize + 3];
            if (!mismatch(p, g)) {
                continue;
            }
            if (hi - lo == 1) {
                flipAt(p, lo);
                continue;
            }
            int mid = lo + ((hi - lo + 1) >>> 1);
            int gl = 2 * g - (g & -plan.treeSize(p));
            long[][] t = st[p];
            int left = node(t, gl);
            if ((left & KNOWN) != 0) {
                if (mismatch(p, gl)) {
                    push(p, gl, lo, mid);
                } else {
                    push(p, gl + 1, mid, hi);
                }
                continue;
            }
            if ((left & PENDING) != 0) {
                // g's bisection is already asked for in this round; accept() re-queues g itself
                continue;
            }
            setFlag(t, gl, PENDING);
            if (reqSize + 5 > req.length) {
                req = Arrays.copyOf(req, req.length * 2);
            }
            req[reqSize++] = p;
            req[reqSize++] = g;
            req[reqSize++] = lo;
            req[reqSize++] = mid;
            req[reqSize++] = hi;
        }
    }

    /** Pass q's inverse shuffle, fetched from the plan on first need (the plan may build it only then). */
    private int[] inv(int q) {
        int[] iv = invs[q];
        if (iv == null) {
            iv = plan.inv(q);
            invs[q] = iv;
        }
        return iv;
    }

    /** Flips the bit at position pos of pass p and re-opens the blocks it touches in every pass so far. */
    private void flipAt(int p, int pos) {
        int orig = pos;
        if (p > 0) {
            int[] pm = perms[p];
            if (pm == null) {
                pm = plan.perm(p);
                perms[p] = pm;
            }
            orig = pm[pos];
        }
        if (++corrected > n) {
            // every flip of a consistent run removes an error; more flips than bits means Alice's parities contradict
            throw new IllegalStateException("Cascade does not converge: inconsistent parities from the peer");
        }
        views.flip(orig);
        for (int q = 0; q <= currentPass; q++) {
            int k = plan.blockSize(q), ts = plan.treeSize(q);
            long[] mask = plan.firstBlockMask[q];
            int posq, b;
            if (q == 0) {
                posq = orig;
                b = blockShift[0] >= 0 ? posq >>> blockShift[0] : posq / k;
            } else if (mask != null) {
                // a pass of one or two blocks: the block from the plan's mask; the position only if a bisection needs it
                posq = -1;
                b = (int) (~mask[orig >>> 6] >>> orig) & 1;
            } else {
                posq = inv(q)[orig];
                int bs = blockShift[q];
                b = bs >= 0 ? posq >>> bs : posq / k; // most block sizes are powers of two; a divide is ~10 cycles
            }
            int lo = b * k, hi = Math.min(n, lo + k);
            int base = b * ts;
            long[][] t = st[q];
            int node = 1;
            int dg = -1, dlo = 0, dhi = 0;
            while (true) {
                int g = base + node;
                int sh = (g & 15) << 2;
                long[] page = t[g >>> (4 + PAGE_BITS)];
                if (page == null) {
                    break;
                }
                int wi = (g >>> 4) & PAGE_MASK;
                long w = page[wi];
                if ((w & ((long) KNOWN << sh)) == 0) {
                    break;
                }
                w ^= (long) BOB << sh;
                page[wi] = w;
                if ((((w >>> (sh + 1)) ^ (w >>> (sh + 2))) & 1) != 0) {
                    dg = g;
                    dlo = lo;
                    dhi = hi;
                }
                if (hi - lo == 1) {
                    break;
                }
                int mid = lo + ((hi - lo + 1) >>> 1);
                if (posq < 0) {
                    // children are defined together: none known, nothing below to update
                    if ((node(t, base + 2 * node) & KNOWN) == 0) {
                        break;
                    }
                    posq = inv(q)[orig];
                }
                if (posq < mid) {
                    node = 2 * node;
                    hi = mid;
                } else {
                    node = 2 * node + 1;
                    lo = mid;
                }
            }
            if (subBlockReuse) {
                if (dg >= 0) {
                    push(q, dg, dlo, dhi);
                }
            } else if (mismatch(q, base + 1)) {
                int rlo = b * k;
                push(q, base + 1, rlo, Math.min(n, rlo + k));
            }
        }
    }

    public boolean isDone() {
        return done;
    }

    /** The outcome; only after {@link #nextRequest()} returned null. */
    public CascadeResult result() {
        if (!done) {
            throw new IllegalStateException("Cascade not finished");
        }
        views.wipeViews();
        return new CascadeResult(key, n, disclosed, rounds, corrected);
    }
}
