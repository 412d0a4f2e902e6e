package org.qkdv2i.dpn.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's part in fast transitions (IEEE 802.11-2020 §13 "fast BSS transition", adapted
 * to DAUs): a mobility domain is the RSUs attached to one base station (their DPN sessions with
 * it); the base station is the R0 key holder (R0KH), each RSU an R1 key holder (R1KH), the vehicle
 * the S0KH/S1KH. Depending on the endpoint's role it keeps:
 * <ul>
 * <li>vehicle: its PMK-R0 per mobility domain (from its first, post-quantum session with an RSU
 * of that domain), derives PMK-R1 for the RSU that asks;</li>
 * <li>base station: the PMK-R0 of each vehicle of its domain (pushed by the RSU that did the
 * first contact, or by the previous base station at a handover), derives PMK-R1 for the RSU that
 * asks over their DPN session (for that authenticated RSU only);</li>
 * <li>RSU: nothing at rest; it asks its base station for a PMK-R1 per transition.</li>
 * </ul>
 * Keys live in memory only, with a bounded lifetime ({@code ftR0LifetimeSeconds}); they are
 * zeroised when they expire, are replaced, when the vehicle is revoked and when the endpoint
 * stops. No key byte or length is logged.
 */
final class FastTransition {

    private static final Logger LOG = LoggerFactory.getLogger(FastTransition.class);
    /** Inner message types on a DPN session (RSU/BS <-> BS), protected like application data. */
    static final byte R0_PUT = 16;
    static final byte R1_GET = 17;
    static final byte R1 = 18;
    /** Bound on the keys held (per endpoint), so a flood of pushes cannot grow memory without limit. */
    static final int MAX_ENTRIES = 100_000;

    private final Endpoint endpoint;
    /** Vehicle side: PMK-R0 by R0 key holder (mobility domain). */
    private final Map<DeviceId, Held> own = new ConcurrentHashMap<>();
    /** Base station side: PMK-R0 by vehicle. */
    private final Map<DeviceId, Held> held = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    /** PMK-R0s taken into {@link #held} so far (tests, diagnostics). */
    private final AtomicLong r0Stored = new AtomicLong();
    /** Test seam: where an RSU gets its PMK-R1 (normally its base station). */
    private volatile R1Source r1Source = this::askBaseStation;

    /** A PMK-R0 held until {@code expires}. */
    private record Held(FtKeys.NamedKey r0, Instant expires) {
    }

    private record Pending(Session session, CompletableFuture<Grant> answer) {
    }

    /** Why no fast transition was possible; the set-up falls back to the full unit authentication. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** A PMK-R1 for one RSU and one vehicle, as the R0 key holder handed it out. */
    record Grant(DeviceId r0kh, byte[] pmkR0Name, byte[] pmkR1, Instant expires) implements AutoCloseable {
        @Override
        public void close() {
            Arrays.fill(pmkR1, (byte) 0);
        }

        @Override
        public String toString() {
            return "Grant[" + r0kh + ", hidden]";
        }
    }

    @FunctionalInterface
    interface R1Source {
        Grant get(DeviceId vehicle, long timeoutMillis) throws Unavailable;
    }

    FastTransition(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    boolean enabled() {
        return endpoint.settings().fastTransition();
    }

    void r1Source(R1Source source) {
        this.r1Source = source;
    }

    // ------------------------------------------------------------------ RSU (R1 key holder)

    /** The RSU's session with its base station (R0 key holder), or null. */
    Session r0KeyHolder() {
        String want = endpoint.settings().ftR0KeyHolder();
        Session best = null;
        for (Session s : endpoint.openSessions()) {
            if (!s.isOpen() || s.peer().role() != DeviceRole.BASE_STATION) {
                continue;
            }
            if (!want.isEmpty() && !want.equals(s.peer().name()) && !want.equals(s.peer().id().value())) {
                continue;
            }
            if (best == null || s.peer().id().compareTo(best.peer().id()) < 0) {
                best = s;
            }
        }
        return best;
    }

    /** A PMK-R1 for a transition of {@code vehicle} to this RSU. */
    Grant grant(DeviceId vehicle, long timeoutMillis) throws Unavailable {
        return r1Source.get(vehicle, timeoutMillis);
    }

    private Grant askBaseStation(DeviceId vehicle, long timeoutMillis) throws Unavailable {
        Session bs = r0KeyHolder();
        if (bs == null) {
            throw new Unavailable("no DPN session with a base station (R0 key holder)");
        }
        long id = requestIds.incrementAndGet();
        CompletableFuture<Grant> answer = new CompletableFuture<>();
        pending.put(id, new Pending(bs, answer));
        try {
            bs.sendInner(R1_GET, ByteBuffer.allocate(24).putLong(id).put(KeySchedule.idBytes(vehicle)).array());
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (DpnException e) {
            throw new Unavailable("base station " + bs.peer().name() + " unreachable: " + e.reason());
        } catch (TimeoutException e) {
            throw new Unavailable("base station " + bs.peer().name() + " did not answer within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Unavailable u ? u : new Unavailable(String.valueOf(e.getCause()));
        } finally {
            pending.remove(id);
        }
    }

    /** R1 answer from the base station (reader thread). */
    void onR1(Session from, byte[] body) throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.remaining() < 9) {
            throw new ProtocolException("short FT R1 message");
        }
        long id = b.getLong();
        byte status = b.get();
        Pending p = pending.get(id);
        if (p == null || p.session() != from) {
            if (status == 0 && b.remaining() >= FtKeys.NAME + 4 + FtKeys.KEY) {
                Arrays.fill(body, (byte) 0);
            }
            return; // answered too late, or not asked on this session
        }
        if (status != 0) {
            p.answer().completeExceptionally(new Unavailable("base station " + from.peer().name() + ": "
                    + clean(new String(body, 9, body.length - 9, StandardCharsets.UTF_8))));
            return;
        }
        if (b.remaining() != FtKeys.NAME + 4 + FtKeys.KEY) {
            throw new ProtocolException("malformed FT R1 message");
        }
        byte[] name = new byte[FtKeys.NAME];
        b.get(name);
        long seconds = b.getInt() & 0xffffffffL;
        byte[] r1 = new byte[FtKeys.KEY];
        b.get(r1);
        p.answer().complete(new Grant(from.peer().id(), name, r1, endpoint.clock().instant().plusSeconds(seconds)));
    }

    /**
     * After a full (unit-authenticated) set-up of an RSU with a vehicle that carried the FT
     * element: both ends derive the vehicle's PMK-R0 for the domain; the RSU hands it to its base
     * station over their DPN session and forgets it, the vehicle keeps it.
     */
    void afterFullSetUp(Session s, DeviceId r0kh) {
        DeviceId vehicle = s.initiator() ? s.peer().id() : endpoint.deviceId();
        FtKeys.NamedKey r0 = FtKeys.r0(s.exportKey(FtKeys.r0Label(r0kh), FtKeys.KEY + FtKeys.NAME), r0kh, vehicle);
        long lifetime = endpoint.settings().ftR0LifetimeSeconds();
        if (!s.initiator()) {
            keep(own, r0kh, r0, endpoint.clock().instant().plusSeconds(lifetime));
            LOG.debug("dpn {}: PMK-R0 for mobility domain {} derived from session {} with {} (fast transitions to "
                    + "its RSUs for {} s)", endpoint.name(), r0kh, Long.toUnsignedString(s.sessionId(), 16),
                    s.peer().name(), lifetime);
            return;
        }
        try {
            Session bs = r0KeyHolder();
            if (bs == null || !bs.peer().id().equals(r0kh)) {
                LOG.info("dpn {}: PMK-R0 of {} not handed to the base station: its session closed", endpoint.name(),
                        s.peer().name());
                return;
            }
            bs.sendInner(R0_PUT, r0Put(vehicle, r0, lifetime));
            LOG.info("dpn {}: PMK-R0 of {} ({}) handed to base station {} (R0 key holder)", endpoint.name(),
                    s.peer().name(), vehicle, bs.peer().name());
        } catch (DpnException e) {
            LOG.info("dpn {}: PMK-R0 of {} not handed to the base station: {}", endpoint.name(), s.peer().name(),
                    e.getMessage());
        } finally {
            r0.close();
        }
    }

    private static byte[] r0Put(DeviceId vehicle, FtKeys.NamedKey r0, long lifetimeSeconds) {
        return ByteBuffer.allocate(16 + FtKeys.NAME + 4 + FtKeys.KEY).put(KeySchedule.idBytes(vehicle)).put(r0.name)
                .putInt((int) Math.min(lifetimeSeconds, 0xffffffffL)).put(r0.key).array();
    }

    // ------------------------------------------------------------------ base station (R0 key holder)

    /** A PMK-R0 pushed by an RSU of this domain, or by the previous base station (reader thread). */
    void onR0Put(Session from, byte[] body) throws ProtocolException {
        try {
            if (body.length != 16 + FtKeys.NAME + 4 + FtKeys.KEY) {
                throw new ProtocolException("malformed FT R0 message");
            }
            ByteBuffer b = ByteBuffer.wrap(body);
            byte[] v = new byte[16];
            b.get(v);
            DeviceId vehicle = new DeviceId(HexFormat.of().formatHex(v));
            byte[] name = new byte[FtKeys.NAME];
            b.get(name);
            long seconds = Math.min(b.getInt() & 0xffffffffL, endpoint.settings().ftR0LifetimeSeconds());
            byte[] key = new byte[FtKeys.KEY];
            b.get(key);
            DeviceRole role = from.peer().role();
            String refused = !enabled() ? "fast transition disabled here"
                    : endpoint.localRole() != DeviceRole.BASE_STATION ? "this endpoint is no base station"
                    : role != DeviceRole.RSU && role != DeviceRole.BASE_STATION ? "sender is a " + role
                    : endpoint.isRevoked(vehicle) ? "vehicle " + vehicle + " is revoked" : null;
            if (refused != null) {
                Arrays.fill(key, (byte) 0);
                LOG.warn("dpn {}: PMK-R0 from {} for {} refused: {}", endpoint.name(), from.peer().name(), vehicle,
                        refused);
                return;
            }
            keep(held, vehicle, new FtKeys.NamedKey(key, name), endpoint.clock().instant().plusSeconds(seconds));
            r0Stored.incrementAndGet();
            LOG.debug("dpn {}: holds PMK-R0 of {} from {} for {} s (R0 key holder)", endpoint.name(), vehicle,
                    from.peer().name(), seconds);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /** An RSU asks for a PMK-R1 (worker thread: the answer may wait for a rekey in flight). */
    void onR1Get(Session from, byte[] body) {
        if (body.length != 24) {
            LOG.warn("{}: malformed FT R1 request ignored", from.describe());
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        long id = b.getLong();
        byte[] v = new byte[16];
        b.get(v);
        DeviceId vehicle = new DeviceId(HexFormat.of().formatHex(v));
        // the R1 key holder is the authenticated peer of this session, never a name from the request
        DeviceId r1kh = from.peer().id();
        String refused = null;
        Held h = null;
        if (!enabled() || endpoint.localRole() != DeviceRole.BASE_STATION) {
            refused = "no R0 key holder here";
        } else if (from.peer().role() != DeviceRole.RSU) {
            refused = "PMK-R1 only for RSUs, not a " + from.peer().role();
        } else if (endpoint.isRevoked(vehicle)) {
            refused = "vehicle " + vehicle + " is revoked";
            drop(held, vehicle);
        } else {
            h = current(held, vehicle);
            if (h == null) {
                refused = "no PMK-R0 for " + vehicle + " (none, or expired)";
            }
        }
        byte[] answer;
        if (h == null) {
            byte[] text = refused.getBytes(StandardCharsets.UTF_8);
            answer = ByteBuffer.allocate(9 + text.length).putLong(id).put((byte) 1).put(text).array();
            LOG.info("dpn {}: PMK-R1 for {} at {} refused: {}", endpoint.name(), vehicle, from.peer().name(), refused);
        } else {
            byte[] r1;
            long left;
            synchronized (h) {
                if (h.r0().key.length == 0 || isZero(h.r0().key)) {
                    r1 = null;
                    left = 0;
                } else {
                    r1 = FtKeys.r1(h.r0(), r1kh, vehicle);
                    left = Math.max(0, h.expires().getEpochSecond() - endpoint.clock().instant().getEpochSecond());
                }
            }
            if (r1 == null) {
                byte[] text = "PMK-R0 expired".getBytes(StandardCharsets.UTF_8);
                answer = ByteBuffer.allocate(9 + text.length).putLong(id).put((byte) 1).put(text).array();
            } else {
                answer = ByteBuffer.allocate(9 + FtKeys.NAME + 4 + FtKeys.KEY).putLong(id).put((byte) 0)
                        .put(h.r0().name).putInt((int) Math.min(left, 0xffffffffL)).put(r1).array();
                Arrays.fill(r1, (byte) 0);
                LOG.debug("dpn {}: PMK-R1 for {} handed to {}", endpoint.name(), vehicle, from.peer().name());
            }
        }
        try {
            from.sendInner(R1, answer);
        } catch (DpnException e) {
            LOG.info("{}: PMK-R1 answer not sent: {}", from.describe(), e.getMessage());
        } finally {
            Arrays.fill(answer, (byte) 0);
        }
    }

    /** Inter-domain: derives the vehicle's PMK-R0 for the next base station's domain and sends it. */
    boolean transfer(DeviceId vehicle, Session toBs) throws DpnException {
        if (!enabled() || endpoint.localRole() != DeviceRole.BASE_STATION
                || toBs.peer().role() != DeviceRole.BASE_STATION || endpoint.isRevoked(vehicle)) {
            return false;
        }
        Held h = current(held, vehicle);
        if (h == null) {
            return false;
        }
        FtKeys.NamedKey next;
        long left;
        synchronized (h) {
            if (isZero(h.r0().key)) {
                return false;
            }
            next = FtKeys.r0ForNextDomain(h.r0(), toBs.peer().id(), vehicle);
            left = Math.max(1, h.expires().getEpochSecond() - endpoint.clock().instant().getEpochSecond());
        }
        byte[] msg = r0Put(vehicle, next, left);
        try {
            toBs.sendInner(R0_PUT, msg);
        } finally {
            next.close();
            Arrays.fill(msg, (byte) 0);
        }
        LOG.info("dpn {}: PMK-R0 of {} for the mobility domain of {} sent over session {} (fast transition "
                + "across base stations)", endpoint.name(), vehicle, toBs.peer().name(),
                Long.toUnsignedString(toBs.sessionId(), 16));
        return true;
    }

    // ------------------------------------------------------------------ vehicle (S0KH / S1KH)

    /**
     * The vehicle's PMK-R1 for the RSU {@code r1kh} of the domain of {@code r0kh}, if it holds the
     * PMK-R0 named {@code pmkR0Name}: its own for that domain, or one derived for that domain from
     * the PMK-R0 of a previous domain (kept from then on).
     */
    byte[] vehicleR1(DeviceId r0kh, byte[] pmkR0Name, DeviceId r1kh) throws Unavailable {
        if (!enabled()) {
            throw new Unavailable("fast transition disabled at the vehicle");
        }
        DeviceId self = endpoint.deviceId();
        Held h = current(own, r0kh);
        if (h != null && MessageDigest.isEqual(h.r0().name, pmkR0Name)) {
            synchronized (h) {
                if (!isZero(h.r0().key)) {
                    return FtKeys.r1(h.r0(), r1kh, self);
                }
            }
        }
        for (Map.Entry<DeviceId, Held> e : new ArrayList<>(own.entrySet())) {
            Held prev = current(own, e.getKey());
            if (prev == null || e.getKey().equals(r0kh)) {
                continue;
            }
            FtKeys.NamedKey next;
            synchronized (prev) {
                if (isZero(prev.r0().key)) {
                    continue;
                }
                next = FtKeys.r0ForNextDomain(prev.r0(), r0kh, self);
            }
            if (MessageDigest.isEqual(next.name, pmkR0Name)) {
                byte[] r1 = FtKeys.r1(next, r1kh, self);
                keep(own, r0kh, next, prev.expires());
                LOG.info("dpn {}: PMK-R0 for mobility domain {} derived from that of {} (handed over between base "
                        + "stations)", endpoint.name(), r0kh, e.getKey());
                return r1;
            }
            next.close();
        }
        throw new Unavailable(h == null && own.isEmpty() ? "no PMK-R0 at the vehicle"
                : "no PMK-R0 for mobility domain " + r0kh + " with that name (none, replaced or expired)");
    }

    // ------------------------------------------------------------------ housekeeping

    /** Drops and zeroises expired keys; run by the endpoint's scheduler. */
    void sweep() {
        Instant now = endpoint.clock().instant();
        for (Map<DeviceId, Held> m : java.util.List.of(own, held)) {
            for (Map.Entry<DeviceId, Held> e : new ArrayList<>(m.entrySet())) {
                if (!now.isBefore(e.getValue().expires()) && m.remove(e.getKey(), e.getValue())) {
                    zeroise(e.getValue());
                }
            }
        }
    }

    /** The directory says {@code id} is revoked: no fast transition for it any more. */
    void revoked(DeviceId id) {
        if (drop(held, id)) {
            LOG.info("dpn {}: PMK-R0 of revoked {} destroyed", endpoint.name(), id);
        }
        drop(own, id);
    }

    void close() {
        for (Map<DeviceId, Held> m : java.util.List.of(own, held)) {
            for (DeviceId k : new ArrayList<>(m.keySet())) {
                drop(m, k);
            }
        }
        for (Pending p : pending.values()) {
            p.answer().completeExceptionally(new Unavailable("endpoint stopping"));
        }
    }

    long r0Stored() {
        return r0Stored.get();
    }

    /** Keys held now (tests, diagnostics): vehicle side + base station side. */
    int heldKeys() {
        return own.size() + held.size();
    }

    private Held current(Map<DeviceId, Held> m, DeviceId k) {
        Held h = m.get(k);
        if (h != null && !endpoint.clock().instant().isBefore(h.expires())) {
            if (m.remove(k, h)) {
                zeroise(h);
            }
            return null;
        }
        return h;
    }

    private void keep(Map<DeviceId, Held> m, DeviceId k, FtKeys.NamedKey r0, Instant expires) {
        if (m.size() >= MAX_ENTRIES && !m.containsKey(k)) {
            sweep();
            if (m.size() >= MAX_ENTRIES) {
                r0.close();
                LOG.warn("dpn {}: {} fast-transition keys held, a new one for {} dropped", endpoint.name(),
                        MAX_ENTRIES, k);
                return;
            }
        }
        Held old = m.put(k, new Held(r0.copy(), expires));
        r0.close();
        if (old != null) {
            zeroise(old);
        }
    }

    private static boolean drop(Map<DeviceId, Held> m, DeviceId k) {
        Held h = m.remove(k);
        if (h != null) {
            zeroise(h);
            return true;
        }
        return false;
    }

    private static void zeroise(Held h) {
        synchronized (h) {
            h.r0().close();
        }
    }

    private static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    private static String clean(String s) {
        return s.replaceAll("[\\p{Cntrl}]", "?");
    }
}
