package org.qkdv2i.console.internal;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;

/** A fake KMM of node A with links A-B and E-A, and its LinkControl; key calls are not used by the console. */
final class FakeKmm implements KeyManager, LinkControl {

    final Set<String> disabled = ConcurrentHashMap.newKeySet();

    @Override
    public String nodeId() {
        return "A";
    }

    @Override
    public List<Key> newKeys(KeyRequest request) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "not in this test");
    }

    @Override
    public List<Key> keysById(String slave, String master, List<UUID> ids) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "not in this test");
    }

    @Override
    public PairStatus status(String master, String slave) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "not in this test");
    }

    @Override
    public List<PoolStatus> pools() {
        Instant t = Instant.parse("2026-06-01T22:00:00Z");
        return List.of(
                new PoolStatus("A", "A-B", "B", true, new LinkStatus(disabled.contains("A-B") ? LinkState.DOWN : LinkState.UP,
                        0.02, 1500, 90000, 9.1, disabled.contains("A-B") ? "operator" : "", t), 300, 280, 1000, 50, 256, 12, 0),
                new PoolStatus("A", "E-A", "E", true, new LinkStatus(LinkState.UP, Double.NaN, 900, 50000, Double.NaN,
                        "", t), 100, 90, 1000, 50, 256, 3, 1));
    }

    @Override
    public List<SaeInfo> saes() {
        return List.of(new SaeInfo("sae-A", "A", true), new SaeInfo("sae-E", "E", false));
    }

    @Override
    public void disable(String linkId, String reason) throws KeyManagerException {
        check(linkId);
        disabled.add(linkId);
    }

    @Override
    public void enable(String linkId) throws KeyManagerException {
        check(linkId);
        disabled.remove(linkId);
    }

    @Override
    public Set<String> disabledLinks() {
        return Set.copyOf(disabled);
    }

    private static void check(String linkId) throws KeyManagerException {
        if (!"A-B".equals(linkId) && !"E-A".equals(linkId)) {
            throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST, "no physical link " + linkId);
        }
    }
}
