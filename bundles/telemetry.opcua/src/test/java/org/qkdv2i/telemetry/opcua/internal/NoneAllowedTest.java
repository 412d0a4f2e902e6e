package org.qkdv2i.telemetry.opcua.internal;

import static org.junit.Assert.assertEquals;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.NODE;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR_PW;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.path;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.Test;
import org.qkdv2i.telemetry.api.LinkTelemetry;

/** allowInsecureNone=true opens a None endpoint (local development); the password is still encrypted. */
public class NoneAllowedTest {

    @Test
    public void noneWorksOnlyWhenEnabled() throws Exception {
        Path pki = Files.createTempDirectory("opcua-pki-none");
        Fixture.ClientApp app = Fixture.ClientApp.create("dev-tool");
        try (OpcUaTelemetryServer server = new OpcUaTelemetryServer(Fixture.settings(pki, Fixture.freePort(),
                List.of(SecurityPolicy.Basic256Sha256), true), Operations.NONE)) {
            server.start();
            server.link(new LinkTelemetry(NODE, "qkd-1", "DEGRADED", 0.09, 10.0, 7.0, "high QBER", Instant.now()));
            OpcUaClient c = app.connect(server, SecurityPolicy.None, OPERATOR, OPERATOR_PW);
            try {
                assertEquals(SecurityPolicy.None.getUri(), c.getConfig().getEndpoint().getSecurityPolicyUri());
                assertEquals("DEGRADED", c.readValue(0, TimestampsToReturn.Both,
                        path(c, "QKD-V2I", NODE, "Links", "qkd-1", "State")).getValue().getValue());
            } finally {
                c.disconnect();
            }
        }
    }
}
