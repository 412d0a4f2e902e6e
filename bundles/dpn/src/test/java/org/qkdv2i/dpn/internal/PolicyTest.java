package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Instant;

import org.junit.Test;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

public class PolicyTest {

    private static int n;

    private static IdentityRecord rec(DeviceRole role, String zone) {
        String id = String.format("%032x", ++n);
        return new IdentityRecord(new DeviceId(id), "d" + n, role, DauKind.DAU_N, zone, new byte[32], new byte[1],
                new byte[1], Instant.EPOCH);
    }

    @Test
    public void defaultRulesFollowFigure4() {
        Policy p = Policy.defaults();
        IdentityRecord bs = rec(DeviceRole.BASE_STATION, "z");
        IdentityRecord bs2 = rec(DeviceRole.BASE_STATION, "z");
        IdentityRecord rsu = rec(DeviceRole.RSU, "z");
        IdentityRecord car = rec(DeviceRole.VEHICLE, "z");
        assertTrue(p.check(bs, rsu, true).allowed());
        assertTrue(p.check(bs, bs2, true).allowed());
        assertTrue(p.check(bs2, bs, false).allowed());
        assertTrue(p.check(rsu, car, true).allowed());
        assertFalse(p.check(rsu, bs, true).allowed());
        assertFalse(p.check(car, rsu, true).allowed());
        assertFalse(p.check(bs, car, true).allowed());
        assertEquals("no allow rule for BASE_STATION>VEHICLE", p.check(bs, car, true).rule());
        assertEquals("allow BASE_STATION>RSU", p.check(bs, rsu, false).rule());
    }

    @Test
    public void bothWaysRulesListsAndZones() {
        IdentityRecord rsu = rec(DeviceRole.RSU, "a");
        IdentityRecord car = rec(DeviceRole.VEHICLE, "a");
        IdentityRecord far = rec(DeviceRole.VEHICLE, "b");
        Policy p = Policy.parse(new String[] {"rsu<>VEHICLE"}, true, new String[0], new String[0]);
        assertTrue(p.check(car, rsu, true).allowed());
        assertTrue(p.check(rsu, car, false).allowed());
        assertFalse(p.check(rsu, far, true).allowed());
        assertTrue(p.check(rsu, far, true).rule().startsWith("sameZoneOnly"));

        Policy allow = Policy.parse(new String[] {"RSU>VEHICLE"}, false, new String[] {car.id().value()}, new String[0]);
        assertTrue(allow.check(rsu, car, true).allowed());
        assertFalse(allow.check(rsu, far, true).allowed());
        assertEquals("allowList", allow.check(rsu, far, true).rule());
        // at the vehicle's end the allow list names the RSU, the remote peer there
        assertFalse(allow.check(rsu, car, false).allowed());

        Policy deny = Policy.parse(new String[] {"RSU>VEHICLE"}, false, new String[0], new String[] {far.id().value()});
        assertTrue(deny.check(rsu, car, true).allowed());
        assertEquals("denyList", deny.check(rsu, far, true).rule());
        assertEquals("denyList", deny.check(rsu, far, false).rule());
    }

    @Test
    public void segmentsAreZonesOrZonePairs() {
        assertEquals("a", Policy.segment(rec(DeviceRole.RSU, "a"), rec(DeviceRole.VEHICLE, "a")));
        assertEquals("a|b", Policy.segment(rec(DeviceRole.RSU, "b"), rec(DeviceRole.VEHICLE, "a")));
        assertEquals("a|b", Policy.segment(rec(DeviceRole.RSU, "a"), rec(DeviceRole.VEHICLE, "b")));
    }

    @Test
    public void badConfigurationIsNamedAndAnInvalidPolicyDeniesAll() {
        for (String[] bad : new String[][] {{"BASE_STATION>>RSU"}, {"PLANE>RSU"}, {"RSU"}}) {
            try {
                Policy.parse(bad, false, new String[0], new String[0]);
                fail(bad[0]);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("allow rule"));
            }
        }
        try {
            Policy.parse(new String[0], false, new String[] {"not-an-id"}, new String[0]);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("allowList"));
        }
        Policy none = Policy.denyAll("broken");
        assertFalse(none.check(rec(DeviceRole.BASE_STATION, "z"), rec(DeviceRole.RSU, "z"), true).allowed());
    }

    @Test
    public void policyComponentFallsBackToDenyAllOnBadConfiguration() {
        PolicyComponent c = new PolicyComponent(config(new String[] {"BASE_STATION>RSU"}));
        IdentityRecord bs = rec(DeviceRole.BASE_STATION, "z");
        IdentityRecord rsu = rec(DeviceRole.RSU, "z");
        assertTrue(c.current().check(bs, rsu, true).allowed());
        c.modified(config(new String[] {"BASE_STATION>>RSU"}));
        assertFalse(c.current().check(bs, rsu, true).allowed());
        assertTrue(c.current().check(bs, rsu, true).rule().contains("invalid"));
    }

    private static PolicyComponent.Config config(String[] allow) {
        return new PolicyComponent.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return PolicyComponent.Config.class;
            }

            @Override
            public String[] allow() {
                return allow;
            }

            @Override
            public boolean sameZoneOnly() {
                return false;
            }

            @Override
            public String[] allowList() {
                return new String[0];
            }

            @Override
            public String[] denyList() {
                return new String[0];
            }
        };
    }
}
