package org.qkdv2i.v2x.cv2x.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A configuration annotation instance as DS would hand it over: the given values, else the defaults. */
public final class Configs {
    private Configs() {
    }

    @SuppressWarnings("unchecked")
    public static <A> A of(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getName().equals("annotationType")) {
                return type;
            }
            if (values.containsKey(m.getName())) {
                return values.get(m.getName());
            }
            Object d = m.getDefaultValue();
            if (d == null) {
                throw new IllegalStateException("no value for " + m.getName());
            }
            return d;
        });
    }
}
