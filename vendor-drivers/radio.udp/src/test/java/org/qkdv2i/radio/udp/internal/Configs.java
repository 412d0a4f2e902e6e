package org.qkdv2i.radio.udp.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Component configurations as DS would hand them over: given values, else the annotation's defaults. */
final class Configs {
    private Configs() {
    }

    static UdpAirRadio.Config air(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return (UdpAirRadio.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {UdpAirRadio.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return UdpAirRadio.Config.class;
                    }
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object d = method.getDefaultValue();
                    if (d == null && method.getDeclaringClass() == UdpAirRadio.Config.class) {
                        throw new IllegalStateException("no value for " + method.getName());
                    }
                    return d;
                });
    }

    /** A shared virtual air (I/O threads, directories) as DS would create it, with two I/O threads. */
    static VirtualAir virtualAir() {
        try {
            return new VirtualAir(2, 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} until it holds or the deadline passes (no sleeping as synchronisation). */
    static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }
}
