package org.qkdv2i.dpn.internal.fakes;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.SaeInfo;

/**
 * Two (or more) nodes' KMMs sharing one pool, with enc_keys / dec_keys semantics: a key
 * taken by a master SAE for a slave is served once, by ID, to that slave only.
 */
public final class FakeQkd {

    private record Stored(byte[] bytes, String master, String slave) {
    }

    private final Map<UUID, Stored> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    public final AtomicInteger served = new AtomicInteger();
    public volatile boolean empty;

    public int pendingKeys() {
        return pending.size();
    }

    public KeyManager node(String nodeId) {
        return new KeyManager() {
            @Override
            public String nodeId() {
                return nodeId;
            }

            @Override
            public List<Key> newKeys(KeyRequest request) throws KeyManagerException {
                if (empty) {
                    throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "pool empty");
                }
                List<Key> out = new ArrayList<>();
                for (int i = 0; i < request.number(); i++) {
                    byte[] b = new byte[request.sizeBits() / 8];
                    random.nextBytes(b);
                    UUID id = UUID.randomUUID();
                    pending.put(id, new Stored(b.clone(), request.masterSaeId(), request.slaveSaeId()));
                    out.add(new Key(id, b));
                }
                return out;
            }

            @Override
            public List<Key> keysById(String slaveSaeId, String masterSaeId, List<UUID> keyIds)
                    throws KeyManagerException {
                for (UUID id : keyIds) {
                    Stored s = pending.get(id);
                    if (s == null || !s.slave().equals(slaveSaeId) || !s.master().equals(masterSaeId)) {
                        throw new KeyManagerException(KeyManagerException.Reason.KEYS_NOT_FOUND,
                                KeyManagerException.KEYS_NOT_FOUND);
                    }
                }
                List<Key> out = new ArrayList<>();
                for (UUID id : keyIds) {
                    out.add(new Key(id, pending.remove(id).bytes()));
                    served.incrementAndGet();
                }
                return out;
            }

            @Override
            public PairStatus status(String masterSaeId, String slaveSaeId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<PoolStatus> pools() {
                return List.of();
            }

            @Override
            public List<SaeInfo> saes() {
                return List.of();
            }
        };
    }
}
