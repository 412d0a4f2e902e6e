package org.qkdv2i.driver.etsi014.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * One end of a link whose keys come from a vendor KME over ETSI GS QKD 014. Configure both
 * ends with the same linkId, masterSaeId, slaveSaeId and keySizeBits; each end with its own
 * vendor KME (kmeUrl) and its own vendor SAE identity (keyStore).
 */
@ObjectClassDefinition(name = "QKD link end on a vendor KME (ETSI GS QKD 014)",
        description = "Makes a vendor KME one end of a QKD link: the master end takes keys with enc_keys, "
                + "the slave end takes the same keys by ID with dec_keys, coordinated over the KMMs' peer channel; "
                + "both feed them to their KMM under the vendor's key IDs.")
@interface Etsi014LinkConfig {

    @AttributeDefinition(description = "Link ID, the same at both ends")
    String linkId();

    @AttributeDefinition(description = "Node this end belongs to")
    String localNode();

    @AttributeDefinition(description = "Node at the other end")
    String peerNode();

    @AttributeDefinition(description = "TRANSMITTER: this end is the master (calls enc_keys as masterSaeId); "
            + "RECEIVER: the slave (calls dec_keys as slaveSaeId); TRANSCEIVER at both ends: the end with the "
            + "smaller node ID is the master")
    QkdRole role() default QkdRole.TRANSMITTER;

    @AttributeDefinition(description = "Base URL of this end's vendor KME, e.g. https://kme-a.example:443 "
            + "(/api/v1/keys/ is appended)")
    String kmeUrl();

    @AttributeDefinition(name = "Master SAE ID", description = "SAE ID the vendor KMEs know the master end by "
            + "(the CN of the master end's keyStore certificate); the same at both ends")
    String masterSaeId();

    @AttributeDefinition(name = "Slave SAE ID", description = "SAE ID the vendor KMEs know the slave end by "
            + "(the CN of the slave end's keyStore certificate); the same at both ends")
    String slaveSaeId();

    @AttributeDefinition(description = "PKCS#12 key store with this end's vendor SAE key and certificate chain "
            + "(relative paths resolve against the node's working directory)")
    String keyStore();

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password of keyStore and of its key entry")
    String keyStorePassword();

    @AttributeDefinition(description = "The vendor's CA: a PEM bundle of certificates, or a PKCS#12 trust store")
    String trustStore();

    @AttributeDefinition(type = AttributeType.PASSWORD, required = false,
            description = "Password of a PKCS#12 trust store (unused for PEM)")
    String trustStorePassword() default "";

    @AttributeDefinition(description = "Key size in bits (multiple of 8, within the vendor KME's min/max_key_size); "
            + "the same at both ends")
    int keySizeBits() default 256;

    @AttributeDefinition(description = "Keys per enc_keys call, at most 1000 (also capped by the KME's "
            + "max_key_per_request)")
    int keysPerRequest() default 32;

    @AttributeDefinition(description = "Pause between pulls when the vendor KME has no key, and the first "
            + "back-off step after a failure (milliseconds)")
    long pollIntervalMillis() default 1000;

    @AttributeDefinition(description = "Timeout of one call to the vendor KME (milliseconds); the master end "
            + "waits 2 x this + 1 s for the slave end")
    long requestTimeoutMillis() default 5000;

    @AttributeDefinition(required = false, description = "Most keys per second the master end pulls "
            + "(0: as fast as the vendor KME delivers); a cap keeps the vendor's key for other uses and our pool "
            + "from overflowing")
    double maxKeysPerSecond() default 0;

    @AttributeDefinition(required = false, description = "TLS key-exchange groups offered to the vendor KME, "
            + "preferred first (empty: X25519MLKEM768, x25519, secp256r1, secp384r1)")
    String[] namedGroups() default {};
}
