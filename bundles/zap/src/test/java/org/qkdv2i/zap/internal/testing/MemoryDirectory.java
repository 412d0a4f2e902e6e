package org.qkdv2i.zap.internal.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;

/** An in-memory identity directory for tests (the real one is the DPN identity log). */
public final class MemoryDirectory implements IdentityDirectory {

    private final Map<DeviceId, IdentityRecord> records = new ConcurrentHashMap<>();
    private final Set<DeviceId> revoked = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void enrol(IdentityRecord r) {
        records.put(r.id(), r);
        listeners.forEach(l -> l.changed(r.id(), false));
    }

    public void revoke(DeviceId id) {
        revoked.add(id);
        listeners.forEach(l -> l.changed(id, true));
    }

    public int listenerCount() {
        return listeners.size();
    }

    @Override
    public Optional<IdentityRecord> find(DeviceId id) {
        return Optional.ofNullable(records.get(id));
    }

    @Override
    public boolean isRevoked(DeviceId id) {
        return revoked.contains(id);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }
}
