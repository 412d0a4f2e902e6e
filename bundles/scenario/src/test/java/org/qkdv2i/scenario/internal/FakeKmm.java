package org.qkdv2i.scenario.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.scenario.internal.model.Scenario;

/**
 * A test KMM (not a KMM: no QKD, no relay) that serves random keys out of a "network" map shared
 * by the fakes of all nodes, so a key drawn at one node is fetched by ID at another; its pools
 * report the link state the test sets. The engine is what the tests check, the KMM is another bundle.
 */
final class FakeKmm implements KeyManager {
    private final String node;
    private final Scenario scenario;
    private final Map<UUID, byte[]> network;
    private final Function<String, LinkState> linkState;
    private final SecureRandom random = new SecureRandom();

    FakeKmm(String node, Scenario scenario, Map<UUID, byte[]> network, Function<String, LinkState> linkState) {
        this.node = node;
        this.scenario = scenario;
        this.network = network;
        this.linkState = linkState;
    }

    @Override
    public String nodeId() {
        return node;
    }

    @Override
    public List<Key> newKeys(KeyRequest request) {
        List<Key> out = new ArrayList<>();
        for (int i = 0; i < request.number(); i++) {
            byte[] b = new byte[32];
            random.nextBytes(b);
            UUID id = UUID.randomUUID();
            network.put(id, b.clone());
            out.add(new Key(id, b));
        }
        return out;
    }

    @Override
    public List<Key> keysById(String slave, String master, List<UUID> ids) throws KeyManagerException {
        List<Key> out = new ArrayList<>();
        for (UUID id : ids) {
            byte[] b = network.remove(id);
            if (b == null) {
                throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST, "no key " + id);
            }
            out.add(new Key(id, b));
        }
        return out;
    }

    @Override
    public PairStatus status(String masterSaeId, String slaveSaeId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<PoolStatus> pools() {
        List<PoolStatus> out = new ArrayList<>();
        for (Scenario.Link l : scenario.links()) {
            if (l.alice().equals(node) || l.bob().equals(node)) {
                LinkState s = linkState.apply(l.id());
                LinkStatus ls = new LinkStatus(s, s == LinkState.ABORTED_EAVESDROPPING ? 0.13 : 0.01, 30_000, 60_000,
                        18, "", Instant.now());
                out.add(new PoolStatus(node, l.id(), l.alice().equals(node) ? l.bob() : l.alice(), true, ls, 100, 100,
                        20_000, 20, 256, 0, 0));
            }
        }
        return out;
    }

    @Override
    public List<SaeInfo> saes() {
        return List.of();
    }
}
