package org.qkdv2i.kmm.internal.core;

/**
 * QoS agreed for master → slave SAE pairs; {@code "*"} matches any SAE. Zero means "the
 * node's default" (for {@code maxKeysPerSecond}: no rate limit).
 */
public record Qos(String masterSaeId, String slaveSaeId, int maxKeysPerRequest, int minKeyBits, int maxKeyBits,
        double maxKeysPerSecond) {

    public static final String ANY = "*";

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
