package org.qkdv2i.kmm.api;

import java.net.URI;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Key streams of one node's KMM: the application interface of ETSI GS QKD 004 V2.1.1
 * (OPEN_CONNECT, GET_KEY, CLOSE) for bundles in the same framework, registered with
 * {@link KeyManager#NODE_PROPERTY}. The HTTPS binding (bundle kmm.etsi004) is a thin layer over it.
 *
 * <p>A stream joins a source SAE and a destination SAE (URIs {@code sae:<SAE ID>}, see
 * {@link #saeUri}). The source application opens it first (without a key stream ID, or with one of
 * its choice) at its node's KMM; the destination application opens it at its own node's KMM with the
 * same key stream ID. Both ends then get the same key at the same index: each index is delivered
 * once to each end. Keys come from the link pool or the relay exactly like ETSI GS QKD 014 keys.
 *
 * <p>The standard's calls name no caller; here every call names the calling SAE, which must be one
 * of the stream's two ends (the HTTPS binding takes it from the client certificate). This is what
 * tells the two ends apart when both SAEs are on the same node.
 *
 * <p>Misuse that the standard's status values do not cover (an unknown or closed stream, a caller
 * that is not an end of it, an index already delivered to the caller) is a
 * {@link KeyManagerException} ({@code BAD_REQUEST} or {@code UNAUTHORIZED}).
 *
 * @since 1.3.0
 */
@ProviderType
public interface KeyStreams {

    /** URI scheme naming an SAE: {@code sae:<SAE ID>}. */
    String SAE_SCHEME = "sae";

    /** The node this KMM belongs to. */
    String nodeId();

    /**
     * OPEN_CONNECT (ETSI GS QKD 004 V2.1.1 §6.1).
     *
     * @param callerSaeId the calling application: the source SAE when opening a new stream, the
     *                    destination SAE when joining a stream the source opened
     * @param keyStreamId null: a new stream with a fresh ID (source only); otherwise the stream to
     *                    join (destination) or the ID a new stream shall have (source)
     * @throws KeyManagerException {@code BAD_REQUEST} for URIs that name no known SAE, a caller that
     *         is not the end it opens, a destination joining a stream its KMM does not know
     */
    OpenResult open(String callerSaeId, URI source, URI destination, StreamQos qos, UUID keyStreamId)
            throws KeyManagerException;

    /**
     * GET_KEY (ETSI GS QKD 004 V2.1.1 §6.2): the key of one index for the caller's end.
     *
     * @param index            the index wanted, or -1 for the lowest index not yet delivered to the caller
     * @param metadataCapacity bytes the caller has room for; 0 = no metadata wanted. Too small →
     *                         {@code METADATA_SIZE_INSUFFICIENT} with the size needed, and the key stays
     */
    GetKeyResult getKey(String callerSaeId, UUID keyStreamId, long index, int metadataCapacity)
            throws KeyManagerException;

    /**
     * CLOSE (ETSI GS QKD 004 V2.1.1 §6.3): ends the stream at both ends; keys not yet delivered are
     * destroyed.
     *
     * @return {@code SUCCESSFUL}
     */
    StreamStatus close(String callerSaeId, UUID keyStreamId) throws KeyManagerException;

    /**
     * The streams open at this node, with their counters (1.6.0; a management view: shell, telemetry).
     * Empty from an implementation that keeps none.
     */
    default java.util.List<StreamInfo> streams() {
        return java.util.List.of();
    }

    /** {@code sae:<saeId>}. */
    static URI saeUri(String saeId) {
        try {
            return new URI(SAE_SCHEME, saeId, null); // quotes what a URI cannot carry as is
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("SAE ID " + saeId + " cannot be put in a URI", e);
        }
    }

    /** The SAE ID of a {@code sae:} URI; null if the URI is not one. */
    static String saeId(URI uri) {
        if (uri == null || !SAE_SCHEME.equalsIgnoreCase(uri.getScheme()) || !uri.isOpaque()) {
            return null;
        }
        String id = uri.getSchemeSpecificPart();
        return id == null || id.isBlank() ? null : id;
    }
}
