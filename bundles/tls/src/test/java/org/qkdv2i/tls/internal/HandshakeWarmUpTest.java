package org.qkdv2i.tls.internal;

import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLException;

import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/** The in-memory warm-up handshake is a real mutual-TLS handshake: it completes only if the identity trusts itself. */
public class HandshakeWarmUpTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();

    @Test
    public void aNodeIdentityCompletesAMutualHandshakeWithItself() throws Exception {
        Path pki = TMP.newFolder("pki").toPath();
        DevPki.init(pki, List.of("A"), List.of(), PW);
        NodeTls tls = BcNodeTls.load("A", pki.resolve("node-A.p12"), PW, pki.resolve("ca.pem"), null, null);
        assertTrue(HandshakeWarmUp.handshake(tls));
    }

    @Test
    public void anIdentityThatDoesNotTrustItsOwnCaFailsInsteadOfHanging() throws Exception {
        Path pki = TMP.newFolder("own").toPath();
        Path other = TMP.newFolder("other").toPath();
        DevPki.init(pki, List.of("A"), List.of(), PW);
        DevPki.init(other, List.of("B"), List.of(), PW);
        NodeTls tls = BcNodeTls.load("A", pki.resolve("node-A.p12"), PW, other.resolve("ca.pem"), null, null);
        assertThrows(SSLException.class, () -> HandshakeWarmUp.handshake(tls));
    }
}
