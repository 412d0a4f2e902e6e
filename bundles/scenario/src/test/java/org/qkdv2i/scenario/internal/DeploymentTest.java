package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;
import java.util.Map;

import org.junit.Test;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;

/** The devices' configurations as the city writes them (issue 8, city start-up at scale). */
public class DeploymentTest {

    private static Filter filter(Hashtable<String, Object> config, String key) throws Exception {
        return FrameworkUtil.createFilter((String) config.get(key));
    }

    /**
     * A DPN endpoint is handed only its own DAU and message handlers by SCR (reference targets),
     * not every DAU of the city: without the targets each DAU's registration bound into all 1,050
     * endpoints on ConfigAdmin's event thread.
     */
    @Test
    public void anEndpointTargetsItsOwnDauAndHandlers() throws Exception {
        Hashtable<String, Object> ep = Deployment.endpoint("R7");
        assertEquals("R7", ep.get("dauName"));
        for (String ref : new String[] { "Dau.target", "Handler.target" }) {
            Filter f = filter(ep, ref);
            assertTrue(ref, f.matches(Map.of(DeviceAuthenticationUnit.NAME, "R7")));
            assertFalse(ref, f.matches(Map.of(DeviceAuthenticationUnit.NAME, "R70")));
            assertFalse(ref, f.matches(Map.of(DeviceAuthenticationUnit.NAME, "v7")));
            assertFalse(ref, f.matches(Map.of("other", "R7")));
        }
    }

    @Test
    public void filterValuesAreEscaped() throws Exception {
        String odd = "a(b)*c\\d";
        Filter f = filter(Deployment.endpoint(odd), "Dau.target");
        assertTrue(f.matches(Map.of(DeviceAuthenticationUnit.NAME, odd)));
        assertFalse(f.matches(Map.of(DeviceAuthenticationUnit.NAME, "a(b)xxc\\d")));
        assertEquals("x\\(y\\)\\*\\\\", Deployment.filterValue("x(y)*\\"));
    }
}
