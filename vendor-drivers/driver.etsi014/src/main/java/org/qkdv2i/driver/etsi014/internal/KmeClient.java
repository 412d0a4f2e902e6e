package org.qkdv2i.driver.etsi014.internal;

import java.util.List;

/** The three calls of ETSI GS QKD 014 §5.1 the driver makes, as one SAE of the vendor KME. */
interface KmeClient extends AutoCloseable {

    /** {@code GET /api/v1/keys/{slave_SAE_ID}/status}. */
    KmeStatus status(String slaveSaeId) throws KmeException;

    /** {@code POST /api/v1/keys/{slave_SAE_ID}/enc_keys}; the caller owns (and destroys) the keys. */
    List<VendorKey> encKeys(String slaveSaeId, int number, int sizeBits) throws KmeException;

    /** {@code POST /api/v1/keys/{master_SAE_ID}/dec_keys}; the caller owns (and destroys) the keys. */
    List<VendorKey> decKeys(String masterSaeId, List<String> keyIds) throws KmeException;

    @Override
    void close();
}
