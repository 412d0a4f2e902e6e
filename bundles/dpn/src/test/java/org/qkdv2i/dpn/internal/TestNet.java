package org.qkdv2i.dpn.internal;

import static org.junit.Assert.fail;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.qkdv2i.dpn.api.DpnMessageHandler;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.fakes.FakeDau;
import org.qkdv2i.dpn.internal.fakes.FakeDirectory;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/** DPN endpoints on 127.0.0.1 for tests: real sockets, fake or real DAUs. */
final class TestNet implements AutoCloseable {

    /** A clock tests can move forward (message expiry). */
    static final class MovableClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();

        void advance(Duration d) {
            offsetMillis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }
    }

    record Received(DpnSession session, byte[] payload) {
    }

    /** One endpoint and what its handler received. */
    static final class Node {
        final DeviceAuthenticationUnit dau;
        final Endpoint endpoint;
        final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        final List<DpnMessageHandler> handlers = new CopyOnWriteArrayList<>();
        volatile KeyManager keyManager;
        volatile Policy policy = Policy.defaults();

        Node(DeviceAuthenticationUnit dau, Settings settings, MessageProtection mp, Clock clock) {
            this.dau = dau;
            handlers.add((session, payload) -> inbox.add(new Received(session, payload)));
            this.endpoint = new Endpoint(settings, dau, mp, () -> policy, new Endpoint.Services() {
                @Override
                public KeyManager keyManager() {
                    return keyManager;
                }

                @Override
                public List<DpnMessageHandler> handlers() {
                    return handlers;
                }
            }, clock, new SecureRandom());
        }

        Received next() throws InterruptedException {
            Received r = inbox.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                fail(endpoint.name() + ": no message within 10 s");
            }
            return r;
        }

        DpnSession sessionWith(Node other) {
            for (DpnSession s : endpoint.sessions()) {
                if (s.peer().id().equals(other.dau.id())) {
                    return s;
                }
            }
            return null;
        }
    }

    final FakeDirectory directory = new FakeDirectory();
    final MovableClock clock = new MovableClock();
    /** MSG's real message protection (AES-256-GCM, IEEE 1609.2 PSK profile). */
    MessageProtection protection = new MessageProtectionComponent();
    private final List<Node> nodes = new ArrayList<>();

    Node fake(String name, DeviceRole role, DauKind kind, String zone) throws Exception {
        return add(new FakeDau(name, role, kind, zone, directory), Settings.of(name));
    }

    Node fake(String name, DeviceRole role, String zone, Settings settings) throws Exception {
        return add(new FakeDau(name, role, DauKind.DAU_N, zone, directory), settings);
    }

    Node add(DeviceAuthenticationUnit dau, Settings settings) throws Exception {
        Node n = new Node(dau, settings, protection, clock);
        n.endpoint.start();
        n.endpoint.setDirectory(directory);
        nodes.add(n);
        return n;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.endpoint.stop();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(10); // polling a condition with a deadline, not synchronising by sleep
        }
    }
}
