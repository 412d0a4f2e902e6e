package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.Test;

public class SecurityCommandsGateTest {

    @Test
    public void commandsOnlyWithTheirApiPackagesWired() {
        assertEquals(List.of(), SecurityCommandsGate.components(Set.of()));
        assertEquals(List.of(), SecurityCommandsGate.components(Set.of("org.qkdv2i.dpn.api", "org.qkdv2i.kmm.api")));
        assertEquals(List.of("org.qkdv2i.shell.zap"), SecurityCommandsGate.components(Set.of("org.qkdv2i.zap.api")));
        assertEquals(List.of("org.qkdv2i.shell.zap", "org.qkdv2i.shell.dpn"),
                SecurityCommandsGate.components(Set.of("org.qkdv2i.zap.api", "org.qkdv2i.dpn.api")));
    }
}
