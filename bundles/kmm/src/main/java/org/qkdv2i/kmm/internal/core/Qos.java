package org.qkdv2i.kmm.internal.core;

/**
 * QoS agreed for master → slave SAE pairs; {@code "*"} matches any SAE. Zero means "the
 * node's default" (for {@code maxKeysPerSecond}: no rate limit; for {@code minKeysPerSecond}: no
 * guarantee). Rates are in keys of the pair's default size per second. {@code priority}: higher wins
 * when key is scarce (see {@link QosAllocator}).
 */
public record Qos(String masterSaeId, String slaveSaeId, int maxKeysPerRequest, int minKeyBits, int maxKeyBits,
        double maxKeysPerSecond, int priority, double minKeysPerSecond) {

    public static final String ANY = "*";

    /** A rule without priority or guaranteed rate. */
    public Qos(String masterSaeId, String slaveSaeId, int maxKeysPerRequest, int minKeyBits, int maxKeyBits,
            double maxKeysPerSecond) {
        this(masterSaeId, slaveSaeId, maxKeysPerRequest, minKeyBits, maxKeyBits, maxKeysPerSecond, 0, 0);
    }

    /** How specifically this rule names the pair: -1 no match, 3 exact pair. */
    public int match(String master, String slave) {
        boolean m = masterSaeId.equals(master);
        boolean s = slaveSaeId.equals(slave);
        if ((!m && !ANY.equals(masterSaeId)) || (!s && !ANY.equals(slaveSaeId))) {
            return -1;
        }
        return (m ? 2 : 0) + (s ? 1 : 0);
    }
}
