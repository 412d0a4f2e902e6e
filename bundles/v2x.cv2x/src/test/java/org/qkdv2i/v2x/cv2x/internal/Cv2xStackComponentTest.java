package org.qkdv2i.v2x.cv2x.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.Test;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.internal.security.SharedVerification;
import org.qkdv2i.v2x.itsg5.internal.Configs;
import org.qkdv2i.v2x.itsg5.internal.stack.Collector;
import org.qkdv2i.v2x.itsg5.internal.stack.LoopbackAir;
import org.qkdv2i.v2x.itsg5.internal.stack.MovingStation;

/** The PC5 DS component as SCR drives it: configuration, binding, the shared scheduler, deactivation. */
public class Cv2xStackComponentTest {
    /** As v2x.codec's shared-verification component: every stack's own codec shares its verdict memo. */
    private final SharedVerification verification = new SharedVerification();

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling with a deadline
        }
    }

    @Test
    public void usStackSendsBsmsToTheConfiguredLayer2Destination() throws Exception {
        LoopbackAir air = new LoopbackAir();
        LoopbackAir.LoopbackRadio mine = air.radio("pc5-1", RadioTechnology.CV2X_PC5, LinkAddress.layer2Id(0x000010));
        LoopbackAir.LoopbackRadio theirs = air.radio("pc5-2", RadioTechnology.CV2X_PC5, LinkAddress.layer2Id(0x000020));
        Cv2xScheduler scheduler = new Cv2xScheduler(1);
        Cv2xStackComponent obu = new Cv2xStackComponent(Configs.of(Cv2xStackConfig.class, Map.of("v2x_stack", "obu",
                "v2x_profile", "US", "stationId", 99L, "destinationL2Id", "0x00abcd")), scheduler, verification.newCodec());
        Cv2xStackComponent rsu = new Cv2xStackComponent(Configs.of(Cv2xStackConfig.class, Map.of("v2x_stack", "rsu",
                "v2x_profile", "US", "stationId", 98L, "generate", false)), scheduler, verification.newCodec());
        Collector heard = new Collector();
        try {
            assertEquals(Profile.US, obu.profile());
            assertEquals(RadioTechnology.CV2X_PC5, obu.technology());
            rsu.bindRadio(theirs);
            rsu.bindListener(heard, Map.of());
            obu.bindRadio(mine);
            obu.bindStationState(new MovingStation(Clock.systemUTC(), 377000000, -1224000000));
            await("BSMs", () -> heard.bsms().size() >= 5);
            assertEquals(LinkAddress.layer2Id(0x00abcd), air.sent().get(0).destination());
            assertEquals(LinkAddress.layer2Id(0x000010), heard.messages.get(0).source());
            // both stacks tick on the one shared thread
            assertEquals(2, scheduler.scheduler().scheduled());
            assertEquals(1, scheduler.scheduler().startedThreads().size());
            assertEquals("v2x-cv2x-tick", scheduler.scheduler().startedThreads().get(0).getName());
        } finally {
            obu.deactivate();
            rsu.deactivate();
            scheduler.deactivate();
        }
        assertEquals(0, mine.subscribers());
    }
}
