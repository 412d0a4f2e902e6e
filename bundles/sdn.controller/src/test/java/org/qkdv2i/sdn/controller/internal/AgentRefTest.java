package org.qkdv2i.sdn.controller.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.util.List;

import org.junit.Test;

public class AgentRefTest {

    @Test
    public void typedArrayAndCommaSeparatedStringGiveTheSameAgents() {
        List<AgentRef> expected = List.of(new AgentRef("A", URI.create("https://127.0.0.1:8601")),
                new AgentRef("B", URI.create("https://node-b.example:8601")));
        assertEquals(expected, AgentRef.parse(new String[] {"A=https://127.0.0.1:8601", " B = https://node-b.example:8601/ "}));
        assertEquals(expected, AgentRef.parse(new String[] {"A=https://127.0.0.1:8601, B=https://node-b.example:8601"}));
        assertTrue(AgentRef.parse(null).isEmpty());
    }

    @Test
    public void badEntriesAreRefusedWithTheEntryNamed() {
        for (String bad : new String[] {"A", "A=http://127.0.0.1:8601", "A=https://127.0.0.1", "bad id=https://h:1",
                "A=https://h:1,A=https://h:2"}) {
            try {
                AgentRef.parse(new String[] {bad});
                fail(bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("agent entry '"));
            }
        }
    }
}
