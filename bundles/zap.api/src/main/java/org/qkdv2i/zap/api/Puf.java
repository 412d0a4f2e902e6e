package org.qkdv2i.zap.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A physical unclonable function: the DAU's hardware root of trust. Implemented by PUF
 * bundles (a hardware SRAM or ring-oscillator PUF, or the emulated default) and
 * registered as a service with the property {@value #DEVICE} naming the device it
 * belongs to; the DAU of that device binds it.
 *
 * <p>A read returns the noisy response of every cell: on a real PUF a few percent to
 * 15 % of the bits differ from read to read (temperature, supply voltage, ageing). The
 * DAU never stores a response; it enrols once and reconstructs its secret from fresh
 * reads with a fuzzy extractor.
 */
@ConsumerType
public interface Puf {

    /** Service property: the name of the device whose DAU may use this PUF. */
    String DEVICE = "puf.device";

    /** A stable name of this PUF instance, for logs; never secret. */
    String id();

    /** Number of response bits one {@link #read()} returns. */
    int cellCount();

    /**
     * One fresh, noisy readout of all cells, packed little-endian: cell {@code i} is bit
     * {@code i & 7} of byte {@code i >> 3}. The caller zeroises the array after use.
     */
    byte[] read();
}
