package org.qkdv2i.driver.sim.fso.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The schedule a paced link end reports (what the city engine turns into the link's lag): ahead
 * of the clock while the rounds keep up, behind it by the missed wall time once they cannot, and
 * gone (-1) when the link stops. A hand-driven clock, no timing assumptions.
 */
public class FsoLinkScheduleTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();
    private final List<FsoLinkComponent> components = new ArrayList<>();

    /** Wall millis the test sets. */
    static final class HandClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000_000L);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @After
    public void stopAll() {
        for (FsoLinkComponent c : components) {
            c.deactivate();
        }
    }

    @Test
    public void scheduleRunsAheadWhileRoundsKeepUpShowsTheLagWhenTheyCannotAndEndsWithTheLink() throws Exception {
        HandClock clock = new HandClock();
        long t0 = clock.millis();
        int qp = FsoLinkDriverTest.freePort(), cp = FsoLinkDriverTest.freePort();
        Map<String, Object> a = FsoLinkDriverTest.linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        Map<String, Object> b = FsoLinkDriverTest.linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath());
        a.put("speed", 100.0); // 0.3 s rounds: one every 3 ms of wall time when on time
        b.put("speed", 100.0);
        FsoLinkComponent bob = new FsoLinkComponent(null, FsoLinkDriverTest.config(b), clock);
        components.add(bob);
        FsoLinkComponent alice = new FsoLinkComponent(null, FsoLinkDriverTest.config(a), clock);
        components.add(alice);
        FsoLinkDriver driver = alice.driver();
        List<Long> told = new CopyOnWriteArrayList<>();
        driver.onSchedule(told::add);

        // the clock stands still: Alice paces (waits real time per round), so her rounds are due
        // later and later after it — ahead, no lag
        FsoLinkDriverTest.await("Alice's schedule ahead of the clock by 10 rounds", 60_000,
                () -> driver.scheduleDue() >= t0 + 30);
        assertEquals("Bob follows Alice's rounds: no schedule of his own", -1, bob.driver().scheduleDue());

        // an hour of wall time passes at once (a host that could not run the rounds): she is behind
        // her pacing by about an hour, and says so
        long jumped = clock.millis.addAndGet(3_600_000);
        FsoLinkDriverTest.await("the listener told a schedule an hour behind the clock", 60_000,
                () -> told.stream().anyMatch(due -> due >= 0 && jumped - due > 3_500_000));

        // a live speed change keeps the lag in simulated seconds: 100 -> 50 doubles it in wall time
        a.put("speed", 50.0);
        alice.modified(FsoLinkDriverTest.config(a));
        FsoLinkDriverTest.await("still behind, by about two hours of wall time at x50", 60_000,
                () -> jumped - driver.scheduleDue() > 7_000_000);

        // a new pacing epoch (the city's story starts): the backlog is dropped, she paces from now
        a.put("paceEpoch", 1L);
        alice.modified(FsoLinkDriverTest.config(a));
        FsoLinkDriverTest.await("on time again", 60_000, () -> driver.scheduleDue() >= jumped);
        assertTrue("no restart for either", driver == alice.driver());

        alice.deactivate();
        components.remove(alice);
        assertEquals("stopped: no schedule", -1, driver.scheduleDue());
        assertTrue("the listener was told the rounds stopped", !told.isEmpty() && told.get(told.size() - 1) == -1);
    }

    @Test
    public void aPaceHoldStopsAliceAndItsReleaseWakesHerAtOnce() throws Exception {
        HandClock clock = new HandClock();
        int qp = FsoLinkDriverTest.freePort(), cp = FsoLinkDriverTest.freePort();
        Map<String, Object> a = FsoLinkDriverTest.linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        Map<String, Object> b = FsoLinkDriverTest.linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath());
        a.put("speed", 1000.0); // 0.3 s rounds in 0.3 ms when on time
        FsoLinkComponent bob = new FsoLinkComponent(null, FsoLinkDriverTest.config(b), clock);
        components.add(bob);
        FsoLinkComponent alice = new FsoLinkComponent(null, FsoLinkDriverTest.config(a), clock);
        components.add(alice);
        FsoLinkDriver driver = alice.driver();
        FsoLinkDriverTest.await("rounds", 60_000, () -> driver.scheduleDue() > clock.millis());
        // held 10^6 simulated s at x1000: her next round waits 1,000 s of wall time ...
        a.put("paceHoldSeconds", 1e6);
        alice.modified(FsoLinkDriverTest.config(a));
        FsoLinkDriverTest.await("Alice waiting in her pacing", 60_000, () -> waitingInPace(driver));
        long held = driver.scheduleDue();
        // ... until the hold is released: she goes on at once (the clock moved on meanwhile, so she is
        // behind and runs without waiting; only the hold kept her)
        clock.millis.addAndGet(10_000_000);
        a.put("paceHoldSeconds", 0.0);
        alice.modified(FsoLinkDriverTest.config(a));
        FsoLinkDriverTest.await("a round again well within the 1,000 s", 60_000, () -> driver.scheduleDue() > held);
        assertTrue("no restart", driver == alice.driver());
    }

    /** The link thread waits in pace() (what a hold of 1,000 s of wall time shows; a round takes ms). */
    private static boolean waitingInPace(FsoLinkDriver d) {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().equals(FsoLinkDriver.THREAD_PREFIX + "fso-1-A")
                    && e.getKey().getState() == Thread.State.TIMED_WAITING) {
                for (StackTraceElement f : e.getValue()) {
                    if (f.getMethodName().equals("pace")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    public void anUnpacedLinkHasNoSchedule() throws Exception {
        HandClock clock = new HandClock();
        int qp = FsoLinkDriverTest.freePort(), cp = FsoLinkDriverTest.freePort();
        Map<String, Object> a = FsoLinkDriverTest.linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        Map<String, Object> b = FsoLinkDriverTest.linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath());
        FsoLinkComponent bob = new FsoLinkComponent(null, FsoLinkDriverTest.config(b), clock); // speed 0
        components.add(bob);
        FsoLinkComponent alice = new FsoLinkComponent(null, FsoLinkDriverTest.config(a), clock);
        components.add(alice);
        FsoLinkDriverTest.Sink sink = new FsoLinkDriverTest.Sink();
        alice.driver().attach(sink);
        FsoLinkDriverTest.await("rounds run", 60_000, () -> sink.blockCount() > 3);
        assertEquals(-1, alice.driver().scheduleDue());
        assertEquals(-1, bob.driver().scheduleDue());
    }
}
