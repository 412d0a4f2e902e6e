package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whatever arrives, the receive path never throws; every frame is delivered, dropped or refused, and counted. */
public class HostileFramesTest {

    private static void assertAccounted(StackStatistics s) {
        assertEquals(s.toString(), s.received(), s.delivered() + s.malformed() + s.refused() + s.duplicates()
                + s.outsideArea());
    }

    @Test
    public void prefixesBitFlipsAndRandomFramesNeverThrow() throws Exception {
        for (Profile profile : Profile.values()) {
            Rig rig = new Rig();
            MovingStation car = new MovingStation(rig.clock, 481370000, 115750000);
            V2xEngine sender = rig.itsG5(StackConfig.defaults("s", profile, 1, 5), 0x02_00_00_00_00_01L, null, null);
            sender.setStateProvider(car);
            V2xEngine victim = rig.itsG5(StackConfig.defaults("v", profile, 2, 15).generating(false), 0x02_00_00_00_00_02L,
                    null, null);
            Collector heard = new Collector();
            victim.addListener(m -> {
                throw new IllegalStateException("a broken listener");
            }, null, null);
            victim.addListener(heard, null, null);
            rig.run(Duration.ofMillis(0));
            if (profile == Profile.EU) {
                sender.triggerDenm(DenmRequest.of(new CauseCode(1, 0), Duration.ofSeconds(5))
                        .withEventPosition(ReferencePosition.ofDegrees(48, 11)), Security.unsecured());
            }
            assertTrue(heard.messages.size() >= 1); // the broken listener did not stop delivery
            List<RadioFrame> valid = new ArrayList<>(rig.air.sent());
            LoopbackAir.LoopbackRadio attacker = rig.air.radio("attacker", RadioTechnology.ITS_G5,
                    LinkAddress.mac(0x02_66_66_66_66_66L));
            int injected = 0;
            for (RadioFrame f : valid) {
                byte[] b = f.payload();
                for (int n = 0; n < b.length; n++) {
                    rig.air.inject(attacker, new RadioFrame(f.source(), f.destination(), f.protocol(),
                            java.util.Arrays.copyOf(b, n), f.metadata()));
                    injected++;
                }
                for (int bit = 0; bit < b.length * 8; bit++) {
                    byte[] t = b.clone();
                    t[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                    rig.air.inject(attacker, new RadioFrame(f.source(), f.destination(), f.protocol(), t, f.metadata()));
                    injected++;
                }
            }
            Random rnd = new Random(42);
            int[] types = {RadioFrame.ETHERTYPE_GEONETWORKING, RadioFrame.ETHERTYPE_WSMP, 0x0800, 0x86DD};
            for (int i = 0; i < 5000; i++) {
                byte[] b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
                if (b.length > 0 && rnd.nextBoolean()) {
                    b[0] = (byte) (profile == Profile.EU ? 0x11 : 0x03); // plausible first octet
                }
                rig.air.inject(attacker, new RadioFrame(attacker.address(), LinkAddress.BROADCAST_MAC,
                        types[rnd.nextInt(types.length)], b, org.qkdv2i.v2x.api.radio.FrameMetadata.NONE));
                injected++;
            }
            StackStatistics s = victim.statistics();
            assertEquals(valid.size() + injected, s.received());
            assertAccounted(s);
            assertTrue(s.malformed() > injected / 2);
            // the WSMP/GeoNetworking mix-up is refused by name, not misread
            assertAccounted(sender.statistics());
        }
    }

    @Test
    public void dropLogIsRateLimited() {
        ManualClock clock = new ManualClock(Rig.START);
        Logger log = LoggerFactory.getLogger("test");
        RateLimitedLog l = new RateLimitedLog(log, clock, Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            l.log("dropped frame " + i);
            clock.advance(Duration.ofMillis(5));
        }
        assertEquals(99, l.suppressed());
        clock.advance(Duration.ofSeconds(1));
        l.log("next");
        assertEquals(0, l.suppressed());
    }
}
