package org.qkdv2i.kmm.etsi014.internal;

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
 * A FAKE KeyManager for these tests only: the real KMM lives in bundles/kmm. It knows one SAE
 * pair (master "sae-a" at node A, slave "sae-b" at node B), hands out deterministic keys from a
 * counted stock, and counts every call that consumed keys.
 */
final class FakeKeyManager implements KeyManager {

    static final String MASTER = "sae-a";
    static final String SLAVE = "sae-b";

    final AtomicInteger stock = new AtomicInteger(100);
    final AtomicInteger consumingCalls = new AtomicInteger();
    final AtomicInteger keysHandedOut = new AtomicInteger();
    final AtomicInteger statusCalls = new AtomicInteger();
    final List<KeyRequest> requests = new ArrayList<>();
    /** key ID -> bytes, kept for dec_keys (one-time) */
    final Map<UUID, byte[]> issued = new ConcurrentHashMap<>();
    volatile KeyManagerException failNext;
    /** key ID -> why, for voided keys (key replacement) */
    final Map<UUID, String> voided = new ConcurrentHashMap<>();

    @Override
    public String nodeId() {
        return "A";
    }

    @Override
    public synchronized List<Key> newKeys(KeyRequest request) throws KeyManagerException {
        checkPair(request.masterSaeId(), request.slaveSaeId());
        if (failNext != null) {
            KeyManagerException e = failNext;
            failNext = null;
            throw e;
        }
        // like the real KMM: limits enforced here, before anything is consumed
        int size = request.sizeBits() == 0 ? 256 : request.sizeBits();
        if (request.number() < 1 || request.number() > 10 || size % 8 != 0 || size < 64 || size > 1024
                || request.additionalSlaveSaeIds().size() > 2) {
            throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST, "outside the pair's limits");
        }
        if (request.number() > stock.get()) {
            throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "not enough key: " + stock.get() + " left");
        }
        requests.add(request);
        List<Key> out = new ArrayList<>();
        for (int i = 0; i < request.number(); i++) {
            byte[] b = new byte[size / 8];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (stock.get() + j);
            }
            stock.decrementAndGet();
            UUID id = UUID.randomUUID();
            issued.put(id, b.clone());
            out.add(new Key(id, b));
        }
        consumingCalls.incrementAndGet();
        keysHandedOut.addAndGet(out.size());
        return out;
    }

    @Override
    public synchronized List<Key> keysById(String slaveSaeId, String masterSaeId, List<UUID> keyIds)
            throws KeyManagerException {
        checkPair(masterSaeId, slaveSaeId);
        for (UUID id : keyIds) {
            if (voided.containsKey(id)) {
                throw new KeyManagerException(KeyManagerException.Reason.KEYS_NOT_FOUND,
                        "key " + id + " was voided (" + voided.get(id) + ") and is never served again");
            }
            if (!issued.containsKey(id)) {
                throw new KeyManagerException(KeyManagerException.Reason.KEYS_NOT_FOUND, "unknown " + id);
            }
        }
        List<Key> out = new ArrayList<>();
        for (UUID id : keyIds) {
            out.add(new Key(id, issued.remove(id)));
        }
        consumingCalls.incrementAndGet();
        keysHandedOut.addAndGet(out.size());
        return out;
    }

    @Override
    public synchronized void voidKey(String masterSaeId, String slaveSaeId, UUID keyId, String reason)
            throws KeyManagerException {
        checkPair(masterSaeId, slaveSaeId);
        byte[] b = issued.remove(keyId);
        if (b == null && !voided.containsKey(keyId)) {
            throw new KeyManagerException(KeyManagerException.Reason.KEYS_NOT_FOUND, "key " + keyId
                    + " was not delivered to this pair");
        }
        if (b != null) {
            java.util.Arrays.fill(b, (byte) 0);
        }
        voided.put(keyId, reason);
    }

    @Override
    public PairStatus status(String masterSaeId, String slaveSaeId) throws KeyManagerException {
        statusCalls.incrementAndGet();
        checkPair(masterSaeId, slaveSaeId);
        return new PairStatus("A", "B", masterSaeId, slaveSaeId, 256, stock.get(), 1000, 10, 1024, 64, 2);
    }

    private static void checkPair(String master, String slave) throws KeyManagerException {
        if (!(MASTER.equals(master) && SLAVE.equals(slave))) {
            throw new KeyManagerException(KeyManagerException.Reason.UNAUTHORIZED, "unknown pair " + master + "->" + slave);
        }
    }

    @Override
    public List<PoolStatus> pools() {
        return List.of();
    }

    @Override
    public List<SaeInfo> saes() {
        return List.of(new SaeInfo(MASTER, "A", true), new SaeInfo(SLAVE, "B", false));
    }
}
