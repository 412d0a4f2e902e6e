package org.qkdv2i.zap.internal.fuzzy;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import org.qkdv2i.zap.internal.crypto.Kdf;

/**
 * Code-offset fuzzy extractor (Dodis, Reyzin, Smith, EUROCRYPT 2004, §5.1) with the
 * concatenated code of {@link CodeParams}: enrolment picks a random codeword c and publishes
 * helper = w ⊕ c for the enrolled response w; reconstruction decodes w' ⊕ helper = c ⊕ e back
 * to c and recovers w = c ⊕ helper. The device secret is KMAC256 under R = HKDF-SHA256(w)
 * (RFC 5869 extract, then SP 800-185 KMAC with "qkdv2i/device-secret/v1").
 *
 * <p>The helper data is authenticated: its tag is KMAC256 under a key derived from w, checked
 * after reconstruction, so changed helper data is refused ("tampered") rather than silently
 * giving another secret (robust fuzzy extractor in the style of Boyen et al. 2005).
 *
 * <p>Failure bound at a mean bit error rate p (cells independent, as over the population of
 * emulated devices: skews i.i.d. and the noise calibrated to p on average, unstable cells
 * included): a repetition group of 7 fails with p7 = P[Bin(7, p) ≥ 4], a BCH block with
 * P[Bin(255, p7) > 18], a reconstruction at most blocks × that (union bound). At p = 0.15:
 * p7 = 0.012103, block 5.43e-10, two blocks 1.09e-9 &lt; 1e-6 (see {@link FailureBound}; it
 * stays below 1e-6 up to p ≈ 0.169). By Hoeffding (1956, Thm 4) a device whose cells have
 * unequal error rates of the same mean fails no more often than this binomial model.
 */
public final class FuzzyExtractor {

    /** Reads averaged (per-cell majority) to form the enrolled response. */
    public static final int ENROLMENT_READS = 15;

    private static final byte[] MAGIC = {'Q', 'Z', 'H', '1'};
    private static final int HEADER = 4 + 4 + 4; // magic, r/m/t/blocks, cells
    private static final int TAG = 32;

    private final CodeParams params;
    private final Bch bch;
    private final int cells;
    private final int codeBits;

    /** @param cells the PUF's cell count (helper data records it) */
    public FuzzyExtractor(CodeParams params, int cells) {
        this.params = params;
        this.bch = new Bch(params.m(), params.t());
        this.cells = cells;
        this.codeBits = params.blocks() * bch.n();
        if (params.cellsUsed() > cells) {
            throw new IllegalArgumentException("code needs " + params.cellsUsed() + " cells, PUF has " + cells);
        }
    }

    public static FuzzyExtractor forCells(int cells) {
        return new FuzzyExtractor(CodeParams.forCells(cells), cells);
    }

    public CodeParams params() {
        return params;
    }

    /** E.g. "2 x BCH(255,131,18) over repetition 7". */
    public String describe() {
        return params.blocks() + " x " + bch + " over repetition " + params.repetition();
    }

    /** Result of an enrolment: public helper data and the 32-byte device secret (caller zeroises). */
    public record Enrolment(byte[] helperData, byte[] deviceSecret) {
    }

    /** Per-cell majority of {@code reads} (packed, {@link org.qkdv2i.zap.api.Puf#read()} layout). */
    public static byte[] majority(List<byte[]> reads, int cells) {
        byte[] out = new byte[(cells + 7) / 8];
        for (int i = 0; i < cells; i++) {
            int ones = 0;
            for (byte[] r : reads) {
                ones += bit(r, i);
            }
            if (2 * ones > reads.size()) {
                out[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        return out;
    }

    /** Enrols the response {@code w} (packed); binds the helper data to {@code pufId}. */
    public Enrolment enrol(byte[] w, String pufId, SecureRandom random) {
        checkLength(w);
        byte[] code = new byte[codeBits];
        byte[] msg = new byte[bch.k()];
        for (int b = 0; b < params.blocks(); b++) {
            for (int i = 0; i < msg.length; i++) {
                msg[i] = (byte) random.nextInt(2);
            }
            System.arraycopy(bch.encode(msg), 0, code, b * bch.n(), bch.n());
        }
        Arrays.fill(msg, (byte) 0);
        int used = params.cellsUsed();
        byte[] offset = new byte[(used + 7) / 8];
        for (int q = 0; q < codeBits; q++) {
            for (int j = 0; j < params.repetition(); j++) {
                int cell = cellOf(q, j);
                if ((bit(w, cell) ^ code[q]) != 0) {
                    offset[cell >> 3] |= (byte) (1 << (cell & 7));
                }
            }
        }
        Arrays.fill(code, (byte) 0);
        byte[] wUsed = usedBits(w);
        byte[] r = responseKey(wUsed, pufId);
        Arrays.fill(wUsed, (byte) 0);
        try {
            byte[] body = body(offset);
            byte[] tag = tag(r, body, pufId);
            byte[] helper = Arrays.copyOf(body, body.length + TAG);
            System.arraycopy(tag, 0, helper, body.length, TAG);
            return new Enrolment(helper, secret(r, pufId));
        } finally {
            Arrays.fill(r, (byte) 0);
        }
    }

    /**
     * Reconstructs the device secret from one fresh read and the helper data.
     *
     * @return the 32-byte device secret (caller zeroises)
     */
    public byte[] reconstruct(byte[] read, byte[] helper, String pufId) throws ReconstructionException {
        return reconstruct(read, helper, pufId, null);
    }

    /**
     * As {@link #reconstruct(byte[], byte[], String)}, also reporting how many bits the BCH decoder
     * corrected in each block ({@code correctedPerBlock[b]}, −1 for a block it could not decode) —
     * for the Monte Carlo benchmark's margin histogram; may be null.
     */
    public byte[] reconstruct(byte[] read, byte[] helper, String pufId, int[] correctedPerBlock)
            throws ReconstructionException {
        checkLength(read);
        int used = params.cellsUsed();
        int offsetLen = (used + 7) / 8;
        if (helper == null || helper.length != HEADER + offsetLen + TAG
                || !Arrays.equals(Arrays.copyOf(helper, 4), MAGIC)) {
            throw new ReconstructionException(ReconstructionException.Reason.MALFORMED,
                    "helper data is not of this fuzzy extractor (expected " + (HEADER + offsetLen + TAG) + " bytes)");
        }
        byte[] expectedHeader = Arrays.copyOf(body(new byte[0]), HEADER);
        if (!Arrays.equals(Arrays.copyOf(helper, HEADER), expectedHeader)) {
            throw new ReconstructionException(ReconstructionException.Reason.MALFORMED,
                    "helper data was made for another code or PUF size");
        }
        byte[] offset = Arrays.copyOfRange(helper, HEADER, HEADER + offsetLen);
        byte[] code = new byte[codeBits];
        int r = params.repetition();
        byte[] noisy = new byte[offsetLen]; // w' ⊕ helper = c ⊕ e, packed
        for (int i = 0; i < offsetLen; i++) {
            noisy[i] = (byte) (read[i] ^ offset[i]);
        }
        for (int q = 0; q < codeBits; q++) {
            int ones = 0;
            for (int cell = q; cell < used; cell += codeBits) {
                ones += (noisy[cell >> 3] >> (cell & 7)) & 1;
            }
            code[q] = (byte) (2 * ones > r ? 1 : 0);
        }
        Arrays.fill(noisy, (byte) 0);
        byte[] block = new byte[bch.n()];
        for (int b = 0; b < params.blocks(); b++) {
            System.arraycopy(code, b * bch.n(), block, 0, bch.n());
            int corrected = bch.decode(block);
            if (correctedPerBlock != null) {
                correctedPerBlock[b] = corrected;
            }
            if (corrected < 0) {
                Arrays.fill(code, (byte) 0);
                Arrays.fill(block, (byte) 0);
                throw new ReconstructionException(ReconstructionException.Reason.TOO_NOISY,
                        "PUF response too noisy: more than " + params.t() + " errors in code block " + b);
            }
            System.arraycopy(block, 0, code, b * bch.n(), bch.n());
        }
        Arrays.fill(block, (byte) 0);
        byte[] wUsed = offset.clone(); // w = c ⊕ helper: flip the offset where the code bit is 1
        for (int q = 0; q < codeBits; q++) {
            if (code[q] != 0) {
                for (int cell = q; cell < used; cell += codeBits) {
                    wUsed[cell >> 3] ^= (byte) (1 << (cell & 7));
                }
            }
        }
        Arrays.fill(code, (byte) 0);
        byte[] rk = responseKey(wUsed, pufId);
        Arrays.fill(wUsed, (byte) 0);
        try {
            byte[] body = Arrays.copyOf(helper, HEADER + offsetLen);
            byte[] tag = Arrays.copyOfRange(helper, HEADER + offsetLen, helper.length);
            byte[] expected = tag(rk, body, pufId);
            if (!Kdf.equal(tag, expected)) {
                throw new ReconstructionException(ReconstructionException.Reason.TAMPERED,
                        "helper data does not authenticate: it was altered, belongs to another PUF, "
                                + "or the response was miscorrected; refusing the reconstructed secret");
            }
            return secret(rk, pufId);
        } finally {
            Arrays.fill(rk, (byte) 0);
        }
    }

    /** Inner-code layout: the r copies of code bit q lie codeBits cells apart (spread over the array). */
    private int cellOf(int q, int j) {
        return j * codeBits + q;
    }

    private byte[] body(byte[] offset) {
        ByteBuffer bb = ByteBuffer.allocate(HEADER + offset.length);
        bb.put(MAGIC).put((byte) params.repetition()).put((byte) params.m()).put((byte) params.t())
                .put((byte) params.blocks()).putInt(cells).put(offset);
        return bb.array();
    }

    private byte[] usedBits(byte[] w) {
        int used = params.cellsUsed();
        byte[] out = Arrays.copyOf(w, (used + 7) / 8);
        if ((used & 7) != 0) {
            out[out.length - 1] &= (byte) ((1 << (used & 7)) - 1);
        }
        return out;
    }

    /**
     * The 32-byte response key R = HKDF-SHA256(ikm = w, salt = "qkdv2i/puf-response/v1", info = PUF id)
     * (RFC 5869 §3.3: HMAC as randomness extractor; w is longer than a KMAC key may be). Both the
     * helper-data key and the device secret are KMAC256 outputs under R.
     */
    private static byte[] responseKey(byte[] wUsed, String pufId) {
        return Kdf.hkdf(wUsed, "qkdv2i/puf-response/v1", Kdf.utf8(pufId), 32);
    }

    private static byte[] tag(byte[] r, byte[] body, String pufId) {
        byte[] key = Kdf.kmac(r, "qkdv2i/helper-auth-key/v1");
        try {
            return Kdf.kmac(key, "qkdv2i/helper-data/v1", body, Kdf.utf8(pufId));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] secret(byte[] r, String pufId) {
        return Kdf.kmac(r, "qkdv2i/device-secret/v1", Kdf.utf8(pufId));
    }

    private void checkLength(byte[] response) {
        if (response == null || response.length * 8 < cells) {
            throw new IllegalArgumentException("PUF response must have " + cells + " bits");
        }
    }

    static int bit(byte[] packed, int i) {
        return (packed[i >> 3] >> (i & 7)) & 1;
    }
}
