package org.qkdv2i.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * The DAUs a command component has been given (dynamic: they come and go), with their
 * service properties ({@code dau.name}, {@code dau.id}, {@code dau.kind}, {@code dau.role},
 * {@code dau.zone}).
 */
final class DauRegistry {

    private final Map<DeviceAuthenticationUnit, Map<String, Object>> daus = new ConcurrentHashMap<>();

    void add(DeviceAuthenticationUnit dau, Map<String, Object> props) {
        daus.put(dau, Map.copyOf(props));
    }

    void remove(DeviceAuthenticationUnit dau) {
        daus.remove(dau);
    }

    boolean isEmpty() {
        return daus.isEmpty();
    }

    /** The DAUs for {@code zap:daus}; {@code directory} (may be null) tells their state in the log. */
    List<SecurityViews.Dau> list(IdentityDirectory directory) {
        List<SecurityViews.Dau> out = new ArrayList<>();
        for (Map<String, Object> p : daus.values()) {
            String id = string(p.get(DeviceAuthenticationUnit.ID));
            out.add(new SecurityViews.Dau(nameOf(p), id, string(p.get(DeviceAuthenticationUnit.KIND)),
                    string(p.get(DeviceAuthenticationUnit.ROLE)), string(p.get(DeviceAuthenticationUnit.ZONE)),
                    logState(directory, id)));
        }
        return out;
    }

    /** The DAU named {@code name}, or null if none is. */
    DeviceAuthenticationUnit find(String name) throws Refusal {
        List<DeviceAuthenticationUnit> found = daus.entrySet().stream()
                .filter(e -> name.equals(nameOf(e.getValue()))).map(Map.Entry::getKey).toList();
        if (found.size() > 1) {
            throw new Refusal(found.size() + " DAUs are named '" + name + "': give each DAU its own name");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /** The identity record of the DAU named {@code name}. */
    IdentityRecord record(String name) throws Refusal {
        DeviceAuthenticationUnit dau = find(name);
        if (dau == null) {
            throw new Refusal(noSuchDau(name));
        }
        return record(name, dau);
    }

    static IdentityRecord record(String name, DeviceAuthenticationUnit dau) throws Refusal {
        try {
            return dau.identityRecord();
        } catch (IllegalStateException e) {
            throw new Refusal("DAU " + name + " has no identity now: " + e.getMessage());
        } catch (RuntimeException e) {
            // e.g. the DAU is being deactivated while we ask it
            throw new Refusal("DAU " + name + " did not answer: " + Commands.describe(e));
        }
    }

    String noSuchDau(String name) {
        return daus.isEmpty() ? SecurityViews.NO_DAU
                : "no DAU named '" + name + "' in this framework (zap:daus lists them)";
    }

    private static String logState(IdentityDirectory directory, String id) {
        if (directory == null || id == null) {
            return null;
        }
        try {
            DeviceId d = new DeviceId(id);
            if (directory.isRevoked(d)) {
                return "revoked";
            }
            return directory.find(d).isPresent() ? "enrolled" : "not enrolled";
        } catch (RuntimeException e) {
            return null; // a malformed dau.id, or the directory left meanwhile: unknown
        }
    }

    private static String nameOf(Map<String, Object> p) {
        Object n = p.get(DeviceAuthenticationUnit.NAME);
        return n == null ? "?" : n.toString();
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }
}
