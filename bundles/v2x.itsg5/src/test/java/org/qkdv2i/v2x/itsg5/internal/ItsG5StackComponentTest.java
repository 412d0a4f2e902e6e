package org.qkdv2i.v2x.itsg5.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.internal.security.SharedVerification;
import org.qkdv2i.v2x.itsg5.internal.stack.Collector;
import org.qkdv2i.v2x.itsg5.internal.stack.DevPki;
import org.qkdv2i.v2x.itsg5.internal.stack.LoopbackAir;
import org.qkdv2i.v2x.itsg5.internal.stack.MovingStation;

/**
 * The DS component as SCR drives it (constructor with the configuration, dynamic bind/unbind,
 * deactivate), on the bundle's shared scheduler with the system clock: a signed stack configured from
 * credential files sends CAMs that a second component verifies.
 */
public class ItsG5StackComponentTest {
    /** As v2x.codec's shared-verification component: every stack's own codec shares its verdict memo. */
    private final SharedVerification verification = new SharedVerification();
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling a condition with a deadline, not synchronising by sleeping
        }
    }

    @Test
    public void configuredSignedStacksExchangeCamsAndCopeWithTheRadioLeaving() throws Exception {
        Path pki = tmp.newFolder("pki").toPath();
        DevPki dev = new DevPki(Instant.now().minus(Duration.ofHours(1)));
        dev.write(pki, "obu1", "pw".toCharArray(), 1000);
        Map<String, Object> common = Map.of("trust_roots", new String[] {pki.resolve("root.oer").toString()},
                "trust_certificates", new String[] {pki.resolve("aa.oer").toString()}, "acceptUnsecured", false);
        Map<String, Object> obuCfg = new java.util.HashMap<>(common);
        obuCfg.putAll(Map.of("v2x_stack", "obu1", "stationId", 1001L, "security", "SIGNED", "signing_certificate",
                pki.resolve("obu1.ticket.oer").toString(), "signing_key", pki.resolve("obu1.ticket.key").toString(),
                "_signing_password", "pw"));
        Map<String, Object> rsuCfg = new java.util.HashMap<>(common);
        rsuCfg.putAll(Map.of("v2x_stack", "rsu1", "stationId", 77L, "stationType", 15, "generate", false));

        LoopbackAir air = new LoopbackAir();
        LoopbackAir.LoopbackRadio obuRadio = air.radio("obu1", RadioTechnology.ITS_G5, LinkAddress.mac(0x020000000001L));
        LoopbackAir.LoopbackRadio rsuRadio = air.radio("rsu1", RadioTechnology.ITS_G5, LinkAddress.mac(0x020000000002L));
        ItsG5Scheduler scheduler = new ItsG5Scheduler(1);
        ItsG5StackComponent obu = new ItsG5StackComponent(Configs.of(ItsG5StackConfig.class, obuCfg), scheduler,
                verification.newCodec());
        ItsG5StackComponent rsu = new ItsG5StackComponent(Configs.of(ItsG5StackConfig.class, rsuCfg), scheduler,
                verification.newCodec());
        try {
            Collector cams = new Collector();
            Collector other = new Collector();
            rsu.bindListener(cams, Map.of("v2x.kinds", new String[] {"CAM", "DENM"}));
            rsu.bindListener(other, Map.of("v2x.stack", "someone-else"));
            rsu.bindRadio(rsuRadio);
            obu.bindRadio(obuRadio);
            MovingStation car = new MovingStation(Clock.systemUTC(), 481370000, 115750000);
            car.move(30, 0);
            obu.bindStationState(car);
            await("three CAMs", () -> cams.cams().size() >= 3);
            assertEquals(Protection.SIGNED, cams.messages.get(0).security().protection());
            assertEquals("rsu1", cams.messages.get(0).stackId());
            assertEquals("rsu1", cams.messages.get(0).radioId());
            assertEquals(0, rsu.statistics().refused());
            assertTrue(other.messages.isEmpty());

            // the radio leaves: no more frames, sends fail with IOException, nothing thrown on the ticker
            obu.unbindRadio(obuRadio);
            long sent = obu.statistics().sent();
            try {
                obu.sendCam(cams.cams().get(0), Security.unsecured());
                fail("send without radio");
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("no radio"));
            }
            Thread.sleep(300); // let the 50 ms ticker run a few times without a radio
            assertEquals(sent, obu.statistics().sent());
            // and comes back
            obu.bindRadio(obuRadio);
            await("CAMs again", () -> obu.statistics().sent() > sent);
            rsu.unbindListener(cams);
            int heard = cams.messages.size();
            await("more CAMs sent", () -> obu.statistics().sent() > sent + 2);
            assertEquals(heard, cams.messages.size());
        } finally {
            obu.deactivate();
            rsu.deactivate();
            scheduler.deactivate();
        }
        assertEquals(0, obuRadio.subscribers());
        assertEquals(0, rsuRadio.subscribers());
    }

    @Test
    public void fiftyStacksShareOneSchedulerThreadAndStopAlone() throws Exception {
        LoopbackAir air = new LoopbackAir();
        ItsG5Scheduler scheduler = new ItsG5Scheduler(1);
        java.util.List<ItsG5StackComponent> stacks = new java.util.ArrayList<>();
        long threadsBefore = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("v2x-")).count();
        try {
            for (int i = 0; i < 50; i++) {
                ItsG5StackComponent s = new ItsG5StackComponent(Configs.of(ItsG5StackConfig.class,
                        Map.of("v2x_stack", "car" + i, "stationId", 2000L + i)), scheduler, verification.newCodec());
                stacks.add(s);
                s.bindRadio(air.radio("car" + i, RadioTechnology.ITS_G5, LinkAddress.mac(0x020000001000L + i)));
                s.bindStationState(new MovingStation(Clock.systemUTC(), 481370000 + i * 1000, 115750000));
            }
            await("every stack sent 2 CAMs", () -> stacks.stream().allMatch(s -> s.statistics().sent() >= 2));
            // one thread for 50 stacks (was: 50 "v2x-stack-<name>" threads)
            long v2xThreads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("v2x-"))
                    .count() - threadsBefore;
            assertEquals(1, v2xThreads);
            assertEquals(50, scheduler.scheduler().scheduled());

            ItsG5StackComponent stopped = stacks.remove(0);
            stopped.deactivate();
            long sentAtStop = stopped.statistics().sent();
            long[] others = stacks.stream().mapToLong(s -> s.statistics().sent()).toArray();
            await("the others go on", () -> {
                for (int i = 0; i < others.length; i++) {
                    if (stacks.get(i).statistics().sent() < others[i] + 1) {
                        return false;
                    }
                }
                return true;
            });
            assertEquals(sentAtStop, stopped.statistics().sent());
            assertEquals(49, scheduler.scheduler().scheduled());
            assertEquals(0, scheduler.scheduler().failures());
        } finally {
            stacks.forEach(ItsG5StackComponent::deactivate);
            scheduler.deactivate();
        }
    }

    @Test
    public void wrongPasswordFailsActivationWithAReadableMessage() throws Exception {
        Path pki = tmp.newFolder("pki2").toPath();
        new DevPki(Instant.now()).write(pki, "obu1", "right".toCharArray(), 1000);
        ItsG5Scheduler scheduler = new ItsG5Scheduler(1);
        try {
            new ItsG5StackComponent(Configs.of(ItsG5StackConfig.class, Map.of("v2x_stack", "x", "stationId", 1L,
                    "security", "SIGNED", "signing_certificate", pki.resolve("obu1.ticket.oer").toString(),
                    "signing_key", pki.resolve("obu1.ticket.key").toString(), "_signing_password", "wrong")), scheduler,
                    verification.newCodec());
            fail("activated with a wrong password");
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("wrong password"));
            assertEquals("a failed activation leaves no task behind", 0, scheduler.scheduler().scheduled());
        } finally {
            scheduler.deactivate();
        }
    }
}
