package org.qkdv2i.kmm.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.Test;
import org.qkdv2i.kmm.internal.core.Qos;

/** The SaePairQos configuration as the core sees it: priority and guaranteed rate next to the limits. */
public class SaePairQosComponentTest {

    private static SaePairQosComponent.Config config(Map<String, Object> values) {
        return (SaePairQosComponent.Config) Proxy.newProxyInstance(SaePairQosComponentTest.class.getClassLoader(),
                new Class<?>[] {SaePairQosComponent.Config.class}, (p, m, args) -> {
                    Object v = values.get(m.getName());
                    return v != null ? v : m.getDefaultValue();
                });
    }

    @Test
    public void priorityAndMinimumReachTheRule() {
        Qos q = new SaePairQosComponent(config(Map.of("masterSaeId", "sa", "slaveSaeId", " ", "priority", 10,
                "minKeysPerSecond", 4.0, "maxKeysPerSecond", 6.0))).qos();
        assertEquals("sa", q.masterSaeId());
        assertEquals(Qos.ANY, q.slaveSaeId());
        assertEquals(10, q.priority());
        assertEquals(4.0, q.minKeysPerSecond(), 0);
        assertEquals(6.0, q.maxKeysPerSecond(), 0);
    }

    @Test
    public void defaultsAreNoPriorityAndNoGuarantee() {
        Qos q = new SaePairQosComponent(config(Map.of())).qos();
        assertEquals(0, q.priority());
        assertEquals(0, q.minKeysPerSecond(), 0);
        // a negative guarantee means none
        assertEquals(0, new SaePairQosComponent(config(Map.of("minKeysPerSecond", -3.0))).qos().minKeysPerSecond(), 0);
    }
}
