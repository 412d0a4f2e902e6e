package org.qkdv2i.scenario.internal;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnMessageHandler;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.radio.udp.VirtualAirRadio;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.ProtectedChannel;

/**
 * Test doubles of the city's devices (the real DAUs, DPN endpoints, radios and stacks are other
 * bundles; the end-to-end run with them is distributions/demo's DemoStoryIT). NOT secure: a fake
 * DPN session derives its "keys" as SHA-256 over a shared random secret, the epoch and the label;
 * base stations mix a key from the test's KMM fakes into that secret at set-up and at each rekey
 * (newKeys at the initiator, keysById at the responder), as the real endpoint does. Messages are
 * delivered synchronously to the peer's handlers registered through {@link #register}.
 */
final class FakeDevices implements Devices {

    final Map<String, FakeEndpoint> endpoints = new ConcurrentHashMap<>();
    final Map<String, DeviceAuthenticationUnit> daus = new ConcurrentHashMap<>();
    final Map<String, V2xStack> stacks = new ConcurrentHashMap<>();
    final Map<String, VirtualAirRadio> radios = new ConcurrentHashMap<>();
    final Map<String, StationState> positions = new ConcurrentHashMap<>();
    final Map<String, List<String>> pskRegistered = new ConcurrentHashMap<>();
    final Map<String, StationStateProvider> stationStates = new ConcurrentHashMap<>();
    final Map<String, DpnMessageHandler> handlers = new ConcurrentHashMap<>();
    final Set<String> enrolled = ConcurrentHashMap.newKeySet();
    final List<String> connects = new CopyOnWriteArrayList<>();
    /** Pairs "a>b" whose set-up fails (UNREACHABLE), and every set-up tried ("a>b", also the failed ones). */
    final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    final List<String> attempts = new CopyOnWriteArrayList<>();
    private final Map<Integer, FakeEndpoint> byPort = new ConcurrentHashMap<>();
    private final AtomicInteger ports = new AtomicInteger(40000);
    private final SecureRandom random = new SecureRandom();
    private final Map<String, KeyManager> kmms;
    volatile boolean logPresent = true;

    FakeDevices(Map<String, KeyManager> kmms) {
        this.kmms = kmms;
    }

    /** A device: its DAU, its endpoint and (RSUs, vehicles) its stack and radio. */
    void device(String name, boolean v2x) {
        String id = HexFormat.of().formatHex(Arrays.copyOf(sha(name.getBytes(StandardCharsets.UTF_8)), 16));
        FakeEndpoint e = new FakeEndpoint(name, new DeviceId(id), ports.incrementAndGet());
        endpoints.put(name, e);
        byPort.put(e.port, e);
        daus.put(name, proxy(DeviceAuthenticationUnit.class, (m, a) -> switch (m) {
            case "identityRecord" -> null; // the fake log takes anything
            case "id" -> e.id;
            default -> throw new UnsupportedOperationException(m);
        }));
        if (v2x) {
            stacks.put(name, proxy(V2xStack.class, (m, a) -> switch (m) {
                case "statistics" -> new StackStatistics(10, 0, 8, 7, 0, 0, 0, 0);
                case "registerPsk" -> {
                    pskRegistered.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add("registered");
                    yield (AutoCloseable) () -> pskRegistered.get(name).add("closed");
                }
                case "sendPayload" -> null;
                default -> throw new UnsupportedOperationException(m);
            }));
            radios.put(name, proxy(VirtualAirRadio.class, (m, a) -> switch (m) {
                case "updatePosition" -> {
                    positions.put(name, (StationState) a[0]);
                    yield null;
                }
                default -> throw new UnsupportedOperationException(m);
            }));
        }
    }

    /** QKD mixing for a base station's endpoint: its KMM node and SAE, and the peers' SAEs. */
    void quantum(String name, String node, String sae, Map<String, String> peerSaes) {
        FakeEndpoint e = endpoints.get(name);
        e.node = node;
        e.sae = sae;
        e.peerSaes = peerSaes;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, java.util.function.BiFunction<String, Object[], Object> f) {
        return (T) Proxy.newProxyInstance(FakeDevices.class.getClassLoader(), new Class<?>[] { type },
                (p, m, a) -> switch (m.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    case "toString" -> type.getSimpleName();
                    default -> f.apply(m.getName(), a);
                });
    }

    static byte[] sha(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public DpnEndpoint endpoint(String dau) {
        return endpoints.get(dau);
    }

    @Override
    public DeviceAuthenticationUnit dau(String name) {
        return daus.get(name);
    }

    @Override
    public V2xStack stack(String name) {
        return stacks.get(name);
    }

    @Override
    public VirtualAirRadio radio(String id) {
        return radios.get(id);
    }

    @Override
    public IdentityLog identityLog() {
        if (!logPresent) {
            return null;
        }
        return proxy(IdentityLog.class, (m, a) -> {
            if (m.equals("enrol")) {
                // the DAU passed its record; the fake knows it by the caller's order only
                enrolled.add("#" + enrolled.size());
                return null;
            }
            throw new UnsupportedOperationException(m);
        });
    }

    @Override
    public MessageProtection protection() {
        return proxy(MessageProtection.class, (m, a) -> switch (m) {
            case "ieee1609Psk" -> proxy(ProtectedChannel.class, (m2, a2) -> switch (m2) {
                case "close" -> null;
                default -> throw new UnsupportedOperationException(m2);
            });
            default -> throw new UnsupportedOperationException(m);
        });
    }

    @Override
    public <S> AutoCloseable register(Class<S> type, S service, Map<String, Object> properties) {
        if (type == StationStateProvider.class) {
            String station = (String) properties.get(StationStateProvider.STATION);
            stationStates.put(station, (StationStateProvider) service);
            return () -> stationStates.remove(station);
        }
        if (type == DpnMessageHandler.class) {
            String dau = (String) properties.get(DeviceAuthenticationUnit.NAME);
            handlers.put(dau, (DpnMessageHandler) service);
            return () -> handlers.remove(dau);
        }
        return () -> {
        };
    }

    @Override
    public void close() {
    }

    /** A fake endpoint: sessions are pairs of {@link FakeSession} sharing a secret. */
    final class FakeEndpoint implements DpnEndpoint {
        final String name;
        final DeviceId id;
        final int port;
        volatile String node;
        volatile String sae;
        volatile Map<String, String> peerSaes = Map.of();
        final List<DpnSession> sessions = new CopyOnWriteArrayList<>();
        /** Base station: the vehicles it holds a PMK-R0 for (a stand-in for dpn's fast transition, no keys). */
        final Set<String> r0 = ConcurrentHashMap.newKeySet();

        FakeEndpoint(String name, DeviceId id, int port) {
            this.name = name;
            this.id = id;
            this.port = port;
        }

        @Override
        public DeviceId deviceId() {
            return id;
        }

        @Override
        public InetSocketAddress listenAddress() {
            return InetSocketAddress.createUnresolved("127.0.0.1", port);
        }

        @Override
        public DpnSession connect(InetSocketAddress address, DeviceId expectedPeer) throws DpnException {
            FakeEndpoint peer = byPort.get(address.getPort());
            if (peer == null || !peer.id.equals(expectedPeer)) {
                throw new DpnException(DpnException.Reason.UNREACHABLE, "no such peer");
            }
            attempts.add(name + ">" + peer.name);
            if (unreachable.contains(name + ">" + peer.name)) {
                throw new DpnException(DpnException.Reason.UNREACHABLE, "connection refused");
            }
            for (DpnSession open : sessions) {
                if (open.isOpen() && ((FakeSession) open).peer.at == peer) {
                    return open; // as the real endpoint: the open session with that peer, whoever opened it
                }
            }
            connects.add(name + ">" + peer.name);
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            long sid = random.nextLong();
            FakeSession mine = new FakeSession(sid, this, secret);
            FakeSession theirs = new FakeSession(sid, peer, secret.clone());
            mine.peer = theirs;
            theirs.peer = mine;
            if (sae != null && peer.sae != null) {
                mine.mix(); // both ends: the same QKD key into the secret
            }
            // fast transition as dpn does it: an RSU attached to a base station (its session from "bs-…")
            // is fast to a vehicle that base station holds a PMK-R0 for; a full set-up seeds one there
            FakeEndpoint bs = sessions.stream().filter(DpnSession::isOpen).map(x -> ((FakeSession) x).peer.at)
                    .filter(e -> e.name.startsWith("bs-")).findFirst().orElse(null);
            if (bs != null && !name.startsWith("bs-") && !peer.name.startsWith("bs-")) {
                mine.fast = theirs.fast = !bs.r0.add(peer.name);
            }
            sessions.add(mine);
            peer.sessions.add(theirs);
            return mine;
        }

        @Override
        public Collection<DpnSession> sessions() {
            return sessions.stream().filter(DpnSession::isOpen).toList();
        }

        @Override
        public boolean transferFastTransition(DeviceId vehicle, DpnSession toBaseStation) {
            String v = endpoints.values().stream().filter(e -> e.id.equals(vehicle)).map(e -> e.name).findFirst()
                    .orElse(null);
            if (v == null || !r0.contains(v)) {
                return false;
            }
            ((FakeSession) toBaseStation).peer.at.r0.add(v);
            return true;
        }
    }

    final class FakeSession implements DpnSession {
        final long id;
        final FakeEndpoint at;
        volatile byte[] secret;
        volatile FakeSession peer;
        volatile int epoch;
        volatile boolean quantum;
        volatile boolean open = true;
        volatile boolean fast;
        final List<String> keysMixed = new CopyOnWriteArrayList<>();

        FakeSession(long id, FakeEndpoint at, byte[] secret) {
            this.id = id;
            this.at = at;
            this.secret = secret;
        }

        /** Initiator: newKeys at its KMM; responder: keysById at its own (the test's KMM fakes share keys). */
        void mix() throws DpnException {
            try {
                Key k = kmms.get(at.node).newKeys(new KeyRequest(at.sae, at.peerSaes.get(peer.at.name), 1, 256)).get(0);
                Key k2 = kmms.get(peer.at.node).keysById(peer.at.sae, at.sae, List.of(k.id())).get(0);
                secret = sha(secret, k.bytes());
                peer.secret = sha(peer.secret, k2.bytes());
                quantum = peer.quantum = true;
                keysMixed.add(k.id().toString());
                peer.keysMixed.add(k.id().toString());
            } catch (Exception e) {
                throw new DpnException(DpnException.Reason.UNREACHABLE, "no QKD key: " + e.getMessage());
            }
        }

        @Override
        public long sessionId() {
            return id;
        }

        @Override
        public IdentityRecord peer() {
            return null;
        }

        @Override
        public String segment() {
            return "city";
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public boolean quantumKeyed() {
            return quantum;
        }

        @Override
        public boolean fastTransition() {
            return fast;
        }

        @Override
        public java.util.Optional<String> quantumKeyId() {
            return keysMixed.isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(keysMixed.get(keysMixed.size() - 1));
        }

        @Override
        public void send(byte[] payload) throws DpnException {
            if (!open) {
                throw new DpnException(DpnException.Reason.CLOSED, "closed");
            }
            DpnMessageHandler h = handlers.get(peer.at.name);
            if (h != null) {
                h.received(peer, payload.clone());
            }
        }

        @Override
        public void rekey() throws DpnException {
            if (quantum) {
                mix();
            } else {
                secret = sha(secret, new byte[] { 1 });
                peer.secret = sha(peer.secret, new byte[] { 1 });
            }
            epoch++;
            peer.epoch++;
        }

        @Override
        public byte[] exportKey(String label, int length) {
            byte[] e = new byte[] { (byte) epoch };
            return Arrays.copyOf(sha(secret, e, label.getBytes(StandardCharsets.UTF_8)), length);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            peer.open = false;
        }
    }

    /** The endpoint's serving and base-station-pair sessions (not the base station–RSU attachments). */
    List<FakeSession> sessionsOf(String name) {
        List<FakeSession> out = new ArrayList<>();
        endpoints.get(name).sessions.forEach(s -> {
            FakeSession f = (FakeSession) s;
            if (f.at.name.startsWith("bs-") == f.peer.at.name.startsWith("bs-")) {
                out.add(f);
            }
        });
        return out;
    }
}
