package org.qkdv2i.it.platform;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.qkdv2i.it.exam.ExamOptions;
import org.qkdv2i.it.platform.Etsi004Client.Reply;
import org.qkdv2i.kmm.api.GetKeyResult;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.OpenResult;
import org.qkdv2i.kmm.api.StreamQos;
import org.qkdv2i.kmm.api.StreamStatus;
import org.qkdv2i.tls.DevPki;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * ETSI GS QKD 004 V2.1.1 key streams at the OSGi level (issue 9): the kmm.etsi004 bundle in Felix on
 * two real KMM nodes A and B (test driver link A–B, HTTPS peer channel with mutual TLS), an
 * {@code org.qkdv2i.kmm.etsi004.Server} factory configuration per node, and SAE-A (at A) and SAE-B (at B)
 * calling both servers over real HTTPS with their own client certificates (JDK HttpClient).
 *
 * <p>Keys are compared by their SHA-256, never printed. What the standard's status table (0–8) does not
 * cover — an unknown or closed stream, a caller that is not an end of it — is, in this project's binding,
 * an HTTP 400/401 with a JSON {@code message} (kmm.etsi004 README "The binding"); the tests assert that.
 *
 * <p>Hot swap: streams live in the KMMs (kmm's {@code StreamCore} behind the {@code KeyStreams} service);
 * kmm.etsi004 is a stateless layer over it (kmm.etsi004 README). So while that bundle is away HTTP is
 * refused at the socket and the streams stay open in the KMMs (bundles keep using them through
 * {@code KeyStreams}); after reinstall the same configurations serve the same streams at the next index.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class Etsi004IT {

    static final String SERVER_PID = "org.qkdv2i.kmm.etsi004.Server";
    static final String SERVER_COMPONENT = "org.qkdv2i.kmm.etsi004.internal.Etsi004Component";
    static final String NODE_COMPONENT = "org.qkdv2i.kmm.Node";
    static final String BUNDLE_PROPERTY = "qkdv2i.bundle.kmm.etsi004";
    static final String SERVER_THREAD_PREFIX = "etsi004-";
    static final String A = TwoNodes.A;
    static final String B = TwoNodes.B;
    static final String SAE_A = TwoNodes.SAE_A;
    static final String SAE_B = TwoNodes.SAE_B;
    /** 32-byte chunks (the stored key size), GET_KEY may wait 3 s for key. */
    static final String QOS = "{\"key_chunk_size\":32,\"max_bps\":0,\"min_bps\":0,\"jitter\":10,\"priority\":1,"
            + "\"timeout\":3000,\"ttl\":0,\"metadata_mimetype\":\"application/json\"}";
    /** The test driver's secret key rate: 20 blocks/s of 4096 bits (TwoNodes.linkProps). */
    static final long LINK_SKR = 20 * 4096;

    @Inject
    BundleContext context;

    private TwoNodes nodes;
    private int portA;
    private int portB;
    private Etsi004Client saeA;
    private Etsi004Client saeB;

    @Configuration
    public Option[] config() {
        return Platform.options(ExamOptions.fileBundle(bundleFile(), ExamOptions.LEVEL_OURS));
    }

    static File bundleFile() {
        String path = System.getProperty(BUNDLE_PROPERTY);
        if (path == null || path.startsWith("${") || !new File(path).isFile()) {
            throw new IllegalStateException(BUNDLE_PROPERTY + " = " + path + ": run through Maven after installing "
                    + "bundles/kmm.etsi004");
        }
        return new File(path);
    }

    /** Where ExamOptions.fileBundle installed the bundle (also used to reinstall it). */
    static String bundleLocation() {
        return bundleFile().toURI().toString();
    }

    @Before
    public void setUp() throws Exception {
        nodes = new TwoNodes(context).configureAll();
        portA = TwoNodes.freePort();
        portB = TwoNodes.freePort();
        nodes.create(SERVER_PID, TwoNodes.props("nodeId", A, "host", "127.0.0.1", "port", portA));
        nodes.create(SERVER_PID, TwoNodes.props("nodeId", B, "host", "127.0.0.1", "port", portB));
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        saeA = new Etsi004Client(nodes.pki.saeKeyStore(SAE_A), pw, nodes.pki.caCertificate(), portA);
        saeB = new Etsi004Client(nodes.pki.saeKeyStore(SAE_B), pw, nodes.pki.caCertificate(), portB);
        nodes.awaitOwnKeys(A, 64, 60);
        nodes.awaitOwnKeys(B, 64, 60);
        awaitServing(saeA, A);
        awaitServing(saeB, B);
    }

    @After
    public void tearDown() throws Exception {
        if (context.getBundle(bundleLocation()) == null) { // a hot swap test failed half way: put it back
            try (InputStream in = new FileInputStream(bundleFile())) {
                context.installBundle(bundleLocation(), in).start();
            }
        }
        nodes.close();
    }

    // ------------------------------------------------------------------ the stream over HTTPS

    @Test
    public void bothEndsGetTheSameKeyAtTheSameIndexOverMutualTls() throws Exception {
        Reply opened = openAtSource(saeA, QOS, null);
        assertEquals(opened.toString(), 1, opened.etsiStatus()); // PEER_NOT_CONNECTED: opened, B not yet
        String ksid = opened.body().get("key_stream_id").asText();
        assertEquals(ksid, UUID.fromString(ksid).toString());
        assertEquals("granted QoS echoed", 32, opened.body().get("qos").get("key_chunk_size").asInt());
        assertEquals(3000, opened.body().get("qos").get("timeout").asInt());

        // the source asks before the destination opened: ETSI GS QKD 004 status 3
        Reply early = saeA.getKey(ksid, null, 0);
        assertEquals(early.toString(), 3, early.etsiStatus());
        assertFalse("no key with status 3", early.body().has("key_buffer"));

        Reply joined = joinAtDestination(saeB, QOS, ksid);
        assertEquals(joined.toString(), 0, joined.etsiStatus());
        assertEquals(ksid, joined.body().get("key_stream_id").asText());

        // several indices, the source first at even ones and the destination first at odd ones;
        // one end names the index, the other asks for its next one
        Set<String> distinct = new HashSet<>();
        for (long i = 0; i < 8; i++) {
            boolean sourceFirst = i % 2 == 0;
            Reply first = (sourceFirst ? saeA : saeB).getKey(ksid, null, i == 0 ? 512 : 0);
            Reply second = (sourceFirst ? saeB : saeA).getKey(ksid, i, i == 0 ? 512 : 0);
            for (Reply r : new Reply[] { first, second }) {
                assertEquals(r.toString(), 0, r.etsiStatus());
                assertEquals(r.toString(), i, r.body().get("index").asLong());
                assertEquals("key_chunk_size bytes at index " + i, 32, r.keyLength());
                assertTrue("JSON: " + r.contentType(), r.contentType().startsWith("application/json"));
                assertEquals("a key is never cached", "no-store", r.cacheControl());
            }
            assertEquals("the same key at index " + i + " at both ends (SHA-256)", first.keyHash(), second.keyHash());
            distinct.add(first.keyHash());
            if (i == 0) {
                JsonNode md = first.body().get("metadata");
                assertEquals("the same metadata at both ends", md, second.body().get("metadata"));
                JsonNode buffer = Etsi004Client.JSON.readTree(md.get("buffer").asText());
                assertEquals(ksid, buffer.get("key_stream_id").asText());
                assertEquals(0, buffer.get("index").asLong());
            }
        }
        assertEquals("a fresh key at every index", 8, distinct.size());

        // each index once per end
        error(saeA.getKey(ksid, 0L, 0), 400, "already delivered to " + SAE_A);
        error(saeB.getKey(ksid, 3L, 0), 400, "already delivered to " + SAE_B);
        // the same key_stream_id again, at either end: status 5
        assertEquals(5, saeA.openConnect(SAE_A, SAE_B, QOS, ksid).etsiStatus());
        assertEquals(5, saeB.openConnect(SAE_A, SAE_B, QOS, ksid).etsiStatus());
        assertEquals(0, saeA.close(ksid).etsiStatus());
    }

    @Test
    public void qosNotMetGetsACounterProposalThatIsThenAdmitted() throws Exception {
        String tooMuch = "{\"key_chunk_size\":32,\"min_bps\":10000000,\"max_bps\":20000000,\"timeout\":3000}";
        Reply no = openAtSource(saeA, tooMuch, null);
        assertEquals(no.toString(), 7, no.etsiStatus()); // QOS_NOT_MET
        assertFalse("nothing opened: " + no, no.body().has("key_stream_id"));
        JsonNode counter = no.body().get("qos");
        assertNotNull("a counter-proposal: " + no, counter);
        // kmm README: min_bps up to half (this direction) of the link's secret key rate
        assertEquals(no.toString(), LINK_SKR / 2, counter.get("min_bps").asLong());
        assertEquals(20_000_000, counter.get("max_bps").asLong());
        assertEquals(32, counter.get("key_chunk_size").asInt());

        // the counter-proposal is admitted as it stands, and the stream works
        Reply yes = openAtSource(saeA, Etsi004Client.JSON.writeValueAsString(counter), null);
        assertEquals(yes.toString(), 1, yes.etsiStatus());
        String ksid = yes.body().get("key_stream_id").asText();
        assertEquals(LINK_SKR / 2, yes.body().get("qos").get("min_bps").asLong());
        assertEquals(0, joinAtDestination(saeB, QOS, ksid).etsiStatus());
        Reply ka = saeA.getKey(ksid, null, 0);
        Reply kb = saeB.getKey(ksid, null, 0);
        assertEquals(0, ka.etsiStatus());
        assertEquals(0, kb.etsiStatus());
        assertEquals(ka.keyHash(), kb.keyHash());

        // that guarantee is now committed: another stream asking for a minimum rate gets 0 offered
        Reply none = saeA.openConnect(SAE_A, SAE_B, "{\"key_chunk_size\":32,\"min_bps\":1}", null);
        assertEquals(none.toString(), 7, none.etsiStatus());
        assertEquals(0, none.body().get("qos").get("min_bps").asLong());
        // chunk size beyond what the pair can get, and an unserved metadata type
        Reply huge = saeA.openConnect(SAE_A, SAE_B, "{\"key_chunk_size\":100000000}", null);
        assertEquals(huge.toString(), 7, huge.etsiStatus());
        long offered = huge.body().get("qos").get("key_chunk_size").asLong();
        assertTrue("clipped chunk size " + offered, offered >= 32 && offered < 100_000_000);
        Reply text = saeA.openConnect(SAE_A, SAE_B, "{\"key_chunk_size\":32,\"metadata_mimetype\":\"text/plain\"}", null);
        assertEquals(text.toString(), 7, text.etsiStatus());
        assertEquals("application/json", text.body().get("qos").get("metadata_mimetype").asText());
        // the destination must take the stream's chunk size
        Reply otherChunk = saeB.openConnect(SAE_A, SAE_B, "{\"key_chunk_size\":64}", openAtSource(saeA, QOS, null)
                .body().get("key_stream_id").asText());
        assertEquals(otherChunk.toString(), 7, otherChunk.etsiStatus());
        assertEquals(32, otherChunk.body().get("qos").get("key_chunk_size").asInt());
    }

    @Test
    public void unknownAndClosedStreamsBadInputAndClientsWithoutCertificate() throws Exception {
        // no status of the standard covers an unknown stream: this binding answers 400 with a message
        String unknown = UUID.randomUUID().toString();
        error(saeA.getKey(unknown, null, 0), 400, "key stream " + unknown + " is not open at node " + A);
        error(saeB.openConnect(SAE_A, SAE_B, QOS, unknown), 400, "is not known at node " + B);
        error(saeA.close(unknown), 400, "is not open at node " + A);

        String ksid = openStream(QOS);
        Reply k0 = saeB.getKey(ksid, null, 0);
        assertEquals(0, k0.etsiStatus());

        // a TLS client whose certificate is no SAE of the stream (node B's certificate): 401
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        Etsi004Client stranger = new Etsi004Client(nodes.pki.nodeKeyStore(B), pw, nodes.pki.caCertificate(), portA);
        error(stranger.getKey(ksid, null, 0), 401, "not an end");
        error(stranger.openConnect(SAE_A, SAE_B, QOS, null), 401, "neither the source nor the destination");

        // a client without a certificate is refused in the TLS handshake, at both nodes
        for (int port : new int[] { portA, portB }) {
            Etsi004Client anonymous = new Etsi004Client(null, null, nodes.pki.caCertificate(), port);
            try {
                Reply r = anonymous.getKey(ksid, null, 0);
                fail("a client without a certificate got an answer on port " + port + ": " + r);
            } catch (IOException refused) {
                // expected: mutual TLS (no answer at all, not even a 401)
            }
        }

        // malformed JSON and unknown fields: a clean JSON error, no stack trace
        error(saeA.post("get_key", "{\"key_stream_id\": \"" + ksid + "\", "), 400, "not valid JSON");
        error(saeA.post("open_connect", "{\"source\":\"sae:SAE-A\",\"destination\":\"sae:SAE-B\",\"qos\":{\"key_chunk_size\":32},"
                + "\"colour\":\"red\"}"), 400, "unknown field colour");
        error(saeA.post("get_key", "{\"key_stream_id\":\"" + ksid + "\",\"index\":\"first\"}"), 400,
                "index must be an integer");

        // CLOSE at one end ends the stream at both; a GET_KEY after it is refused with the reason
        assertEquals(0, saeB.close(ksid).etsiStatus());
        error(saeA.getKey(ksid, null, 0), 400, "closed by its destination " + SAE_B);
        error(saeB.getKey(ksid, null, 0), 400, "closed by its destination " + SAE_B);
        error(saeA.close(ksid), 400, "closed by its destination " + SAE_B);
        // a closed stream's ID stays taken (kmm README: 10 minutes)
        assertEquals(5, saeA.openConnect(SAE_A, SAE_B, QOS, ksid).etsiStatus());
    }

    // ------------------------------------------------------------------ KeyStreams in the framework

    @Test
    public void aBundleUsesKeyStreamsSideBySideWithHttpOnTheSameStream() throws Exception {
        KeyStreams ksA = keyStreams(A);
        KeyStreams ksB = keyStreams(B);
        assertEquals(A, ksA.nodeId());
        assertEquals(B, ksB.nodeId());
        URI source = KeyStreams.saeUri(SAE_A);
        URI destination = KeyStreams.saeUri(SAE_B);
        StreamQos qos = StreamQos.bestEffort(32, 3000);

        // 1. the source over HTTPS, the destination a bundle at B
        String ksid = openAtSource(saeA, QOS, null).body().get("key_stream_id").asText();
        OpenResult joined = retryWhileNoConnection(() -> ksB.open(SAE_B, source, destination, qos, UUID.fromString(ksid)));
        assertEquals(StreamStatus.SUCCESSFUL, joined.status());
        assertEquals(ksid, joined.keyStreamId().toString());
        for (long i = 0; i < 4; i++) {
            Reply http = saeA.getKey(ksid, null, 0);
            assertEquals(http.toString(), 0, http.etsiStatus());
            assertEquals(i, http.body().get("index").asLong());
            assertEquals("index " + i, http.keyHash(), javaKeyHash(ksB, SAE_B, UUID.fromString(ksid), i));
        }

        // 2. the source a bundle at A, the destination over HTTPS; the bundle asks first
        OpenResult opened = retryWhileNoConnection(() -> ksA.open(SAE_A, source, destination, qos, null));
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, opened.status());
        UUID id = opened.keyStreamId();
        GetKeyResult notYet = ksA.getKey(SAE_A, id, -1, 0);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED_GET_KEY, notYet.status());
        assertEquals(0, joinAtDestination(saeB, QOS, id.toString()).etsiStatus());
        for (long i = 0; i < 4; i++) {
            String java = javaKeyHash(ksA, SAE_A, id, -1);
            Reply http = saeB.getKey(id.toString(), i, 0);
            assertEquals(http.toString(), 0, http.etsiStatus());
            assertEquals("index " + i, java, http.keyHash());
        }
        // misuse through the Java API is a KeyManagerException, as over HTTP a 400
        try {
            ksA.getKey(SAE_A, id, 0, 0);
            fail("index 0 delivered twice to SAE-A");
        } catch (KeyManagerException e) {
            assertSame(KeyManagerException.Reason.BAD_REQUEST, e.reason());
        }
        // CLOSE by the bundle ends the HTTP client's end too
        assertEquals(StreamStatus.SUCCESSFUL, ksA.close(SAE_A, id));
        error(saeB.getKey(id.toString(), null, 0), 400, "closed by its source " + SAE_A);
        assertEquals(0, saeA.close(ksid).etsiStatus());
        try {
            ksB.getKey(SAE_B, UUID.fromString(ksid), -1, 0);
            fail("a closed stream served a key through KeyStreams");
        } catch (KeyManagerException e) {
            assertSame(KeyManagerException.Reason.BAD_REQUEST, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("closed by its source " + SAE_A));
        }
    }

    // ------------------------------------------------------------------ hot swap

    @Test
    public void theStreamSurvivesAnUninstallAndReinstallOfTheEtsi004Bundle() throws Exception {
        String ksid = openStream(QOS);
        UUID id = UUID.fromString(ksid);
        Reply a0 = saeA.getKey(ksid, null, 0);
        Reply b0 = saeB.getKey(ksid, null, 0);
        assertEquals(0, a0.etsiStatus());
        assertEquals(0, b0.etsiStatus());
        assertEquals(a0.keyHash(), b0.keyHash());

        long streamsA = TwoNodes.serviceId(keyStreamsRef(A));
        long streamsB = TwoNodes.serviceId(keyStreamsRef(B));
        Map<Long, Integer> kmms = Components.configurations(context, NODE_COMPONENT);
        assertEquals("KMMs " + kmms, 2, kmms.size());
        assertEquals("ETSI 004 servers", 2, Components.configurations(context, SERVER_COMPONENT).size());

        Bundle etsi004 = context.getBundle(bundleLocation());
        assertNotNull("kmm.etsi004 installed at " + bundleLocation(), etsi004);
        assertEquals(Bundle.ACTIVE, etsi004.getState());

        // 1. away: HTTP refused at the socket (no half answer, no hang); no server thread left
        etsi004.uninstall();
        refresh(etsi004);
        assertTrue("ETSI 004 components gone", Components.configurations(context, SERVER_COMPONENT).isEmpty());
        assertRefused(saeA, ksid, portA);
        assertRefused(saeB, ksid, portB);
        Await.until("no ETSI 004 server thread left", 10, TimeUnit.SECONDS, () -> serverThreads() == 0);

        // the stream lives on in the KMMs: a bundle keeps using it through KeyStreams meanwhile
        KeyStreams ksA = keyStreams(A);
        KeyStreams ksB = keyStreams(B);
        assertEquals("index 1 while kmm.etsi004 is away", javaKeyHash(ksA, SAE_A, id, -1), javaKeyHash(ksB, SAE_B, id, 1));

        // 2. back: the same configurations serve the same stream on the same ports, at the next index
        Bundle again;
        try (InputStream in = new FileInputStream(bundleFile())) {
            again = context.installBundle(bundleLocation(), in);
        }
        again.start();
        Await.until("two ETSI 004 servers active again", 30, TimeUnit.SECONDS,
                () -> Components.configurations(context, SERVER_COMPONENT).values().stream()
                        .filter(s -> s == ComponentConfigurationDTO.ACTIVE).count() == 2);
        Reply a2 = Await.value("GET_KEY at A over HTTPS after reinstall", 30, TimeUnit.SECONDS,
                () -> answered(() -> saeA.getKey(ksid, null, 0)));
        assertEquals(a2.toString(), 0, a2.etsiStatus());
        assertEquals("the stream went on, it did not start again", 2, a2.body().get("index").asLong());
        Reply b2 = Await.value("GET_KEY at B over HTTPS after reinstall", 30, TimeUnit.SECONDS,
                () -> answered(() -> saeB.getKey(ksid, 2L, 0)));
        assertEquals(b2.toString(), 0, b2.etsiStatus());
        assertEquals("index 2 after reinstall", a2.keyHash(), b2.keyHash());
        error(saeA.getKey(ksid, 1L, 0), 400, "already delivered to " + SAE_A); // fetched through KeyStreams
        assertEquals("no key stream re-registered", streamsA, TwoNodes.serviceId(keyStreamsRef(A)));
        assertEquals("no key stream re-registered", streamsB, TwoNodes.serviceId(keyStreamsRef(B)));
        assertEquals("KMMs untouched by the swap", kmms, Components.configurations(context, NODE_COMPONENT));
        assertEquals(0, saeB.close(ksid).etsiStatus());
    }

    // ------------------------------------------------------------------ helpers

    /** Opens SAE-A → SAE-B at A (status 1) and joins it at B (status 0); the key_stream_id. */
    private String openStream(String qos) throws Exception {
        Reply opened = openAtSource(saeA, qos, null);
        assertEquals(opened.toString(), 1, opened.etsiStatus());
        String ksid = opened.body().get("key_stream_id").asText();
        Reply joined = joinAtDestination(saeB, qos, ksid);
        assertEquals(joined.toString(), 0, joined.etsiStatus());
        return ksid;
    }

    /**
     * OPEN_CONNECT by the source, retried while it answers status 4 (the KMMs' peer channel binds its
     * NodeTls asynchronously after the pools fill).
     */
    private Reply openAtSource(Etsi004Client client, String qos, String ksid) {
        return Await.value("OPEN_CONNECT by " + SAE_A + " without status 4", 30, TimeUnit.SECONDS, () -> {
            Reply r = unchecked(() -> client.openConnect(SAE_A, SAE_B, qos, ksid));
            return r.status() == 200 && r.etsiStatus() == 4 ? null : r;
        });
    }

    private Reply joinAtDestination(Etsi004Client client, String qos, String ksid) {
        return Await.value("OPEN_CONNECT by " + SAE_B + " without status 4", 30, TimeUnit.SECONDS, () -> {
            Reply r = unchecked(() -> client.openConnect(SAE_A, SAE_B, qos, ksid));
            return r.status() == 200 && r.etsiStatus() == 4 ? null : r;
        });
    }

    private static OpenResult retryWhileNoConnection(Callable<OpenResult> open) {
        return Await.value("OPEN_CONNECT through KeyStreams without status 4", 30, TimeUnit.SECONDS, () -> {
            OpenResult r = unchecked(open);
            return r.status() == StreamStatus.NO_QKD_CONNECTION_AVAILABLE ? null : r;
        });
    }

    /** GET_KEY through KeyStreams: the SHA-256 of the key (zeroised at once), checked SUCCESSFUL. */
    private static String javaKeyHash(KeyStreams ks, String sae, UUID id, long index) throws KeyManagerException {
        GetKeyResult r = ks.getKey(sae, id, index, 0);
        try {
            assertEquals(sae + " index " + index, StreamStatus.SUCCESSFUL, r.status());
            if (index >= 0) {
                assertEquals(index, r.index());
            }
            byte[] key = r.keyBuffer();
            assertEquals(32, key.length);
            String hash = Etsi004Client.sha256(key);
            java.util.Arrays.fill(key, (byte) 0);
            return hash;
        } finally {
            r.destroy();
        }
    }

    /** Waits until the node's server answers with KeyStreams bound (an unknown stream: 400, not 503). */
    private void awaitServing(Etsi004Client client, String node) {
        String probe = "{\"key_stream_id\":\"" + UUID.randomUUID() + "\"}";
        Await.until("ETSI 004 server of node " + node + " serving its KMM's streams", 60, TimeUnit.SECONDS,
                () -> unchecked(() -> client.post("get_key", probe)).status() == 400);
    }

    /** An answer other than 503, or null (retry) while the server is not there yet. */
    private static Reply answered(Callable<Reply> call) {
        Reply r = unchecked(call);
        return r.status() == 503 ? null : r;
    }

    private static void assertRefused(Etsi004Client client, String ksid, int port) {
        try {
            Reply r = client.getKey(ksid, null, 0);
            fail("port " + port + " answered while kmm.etsi004 was uninstalled: " + r);
        } catch (IOException expected) {
            // the port is closed (or the kept-alive connection was closed with the server)
        } catch (Exception e) {
            throw new AssertionError("GET_KEY on port " + port + " failed in an unexpected way: " + e, e);
        }
    }

    /** A clear JSON error: the status, a message naming the cause, no stack trace, not cached. */
    static void error(Reply r, int status, String messagePart) {
        assertEquals(r.toString(), status, r.status());
        assertNotNull("JSON body: " + r.raw(), r.body());
        assertTrue("message: " + r.raw(), r.body().has("message") && r.body().get("message").isTextual());
        String m = r.body().get("message").asText();
        assertTrue("'" + m + "' should contain '" + messagePart + "'", m.contains(messagePart));
        assertEquals("only a message: " + r.raw(), 1, r.body().size());
        assertFalse("no stack trace: " + r.raw(), r.raw().contains("Exception") || r.raw().contains("\tat ")
                || r.raw().matches("(?s).*\\bat (org|com|java)\\..*"));
        assertTrue("JSON: " + r.contentType(), r.contentType().startsWith("application/json"));
        assertEquals("no-store", r.cacheControl());
        assertNull("no key in an error", r.body().get("key_buffer"));
    }

    private KeyStreams keyStreams(String node) {
        return context.getService(keyStreamsRef(node));
    }

    private ServiceReference<KeyStreams> keyStreamsRef(String node) {
        return Await.value("KeyStreams of node " + node, 30, TimeUnit.SECONDS, () -> {
            try {
                Collection<ServiceReference<KeyStreams>> refs = context.getServiceReferences(KeyStreams.class,
                        "(qkd.node=" + node + ")");
                return refs.isEmpty() ? null : refs.iterator().next();
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        });
    }

    private void refresh(Bundle b) throws InterruptedException {
        FrameworkWiring fw = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(Collections.singletonList(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        assertTrue("refresh done", done.await(30, TimeUnit.SECONDS));
    }

    private static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(SERVER_THREAD_PREFIX)).count();
    }

    /** Runs a call, turning checked exceptions into ones {@link Await} retries. */
    static <T> T unchecked(Callable<T> call) {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }
}
