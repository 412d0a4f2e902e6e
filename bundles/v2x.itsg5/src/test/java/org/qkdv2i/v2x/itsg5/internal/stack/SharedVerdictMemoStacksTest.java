package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.Test;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.message.StationType;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.internal.security.SharedVerification;
import org.qkdv2i.v2x.codec.internal.security.VerifierConfig;
import org.qkdv2i.v2x.codec.internal.security.VerifierStatistics;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.itsg5.internal.Configs;
import org.qkdv2i.v2x.itsg5.internal.ItsG5Framing;

/**
 * Two receiving stacks whose codecs come from one shared-verification component (as each stack's
 * instance of v2x.codec's prototype-scoped codec service does in a framework): every signed CAM
 * costs one message ECDSA verification for both, and the component's configuration update (memo
 * off) reaches both stacks' codecs at once.
 */
public class SharedVerdictMemoStacksTest {

    private static TrustStore trust(DevPki p) {
        TrustStore t = new TrustStore();
        t.addRoot(p.rootCertificate());
        t.addCertificate(p.authorityCertificate());
        return t;
    }

    private static VerifierConfig memo(boolean on) {
        return Configs.of(VerifierConfig.class, Map.of("messageVerdictMemo", on));
    }

    @Test
    public void twoStacksShareOneMemoAndAConfigurationUpdateReachesBoth() {
        DevPki pki = new DevPki(Rig.START.minus(Duration.ofDays(1)));
        SharedVerification shared = new SharedVerification(memo(true));
        Rig rig = new Rig();
        MovingStation car = new MovingStation(rig.clock, 481370000, 115750000);
        V2xEngine sender = rig.itsG5(StackConfig.defaults("car", Profile.EU, 1001, StationType.PASSENGER_CAR)
                .signed(true, false), 0x02_00_00_00_00_01L, pki.ticket(), null);
        sender.setStateProvider(car);
        Collector[] heard = new Collector[2];
        V2xEngine[] receivers = new V2xEngine[2];
        for (int i = 0; i < 2; i++) {
            StackConfig c = StackConfig.defaults("rsu" + i, Profile.EU, 2000 + i, StationType.ROAD_SIDE_UNIT)
                    .generating(false).signed(false, false);
            receivers[i] = new V2xEngine(c, new ItsG5Framing(null, null, null), rig.clock, null, trust(pki),
                    shared.newCodec());
            receivers[i].setRadio(rig.air.radio(c.stackId(), RadioTechnology.ITS_G5,
                    LinkAddress.mac(0x02_00_00_00_01_00L + i)));
            heard[i] = new Collector();
            receivers[i].addListener(heard[i], null, null);
        }
        assertNotSame(receivers[0], receivers[1]);
        car.move(50, 0); // 10 Hz

        // the loopback air delivers synchronously: when run returns, both stacks have verified every CAM
        rig.run(Duration.ofMillis(1000));
        int cams = heard[0].cams().size();
        assertTrue("CAMs heard: " + cams, cams >= 5);
        assertEquals(cams, heard[1].cams().size());
        assertEquals(0, receivers[0].statistics().refused() + receivers[1].statistics().refused());
        VerifierStatistics on = shared.statistics();
        assertEquals("one message ECDSA verification per CAM for both stacks", cams, on.messageEcdsaVerifications());
        assertEquals("the second stack reused each verdict", cams, on.memoHits());

        // the component's configuration update (SCR calls @Modified) reaches both stacks' codecs
        shared.configure(memo(false));
        assertFalse(shared.statistics().memoEnabled());
        rig.run(Duration.ofMillis(1000));
        int more = heard[0].cams().size() - cams;
        assertTrue("more CAMs heard: " + more, more >= 5);
        assertEquals(cams + more, heard[1].cams().size());
        VerifierStatistics off = shared.statistics();
        assertEquals("memo off: each stack verifies each CAM", 2L * more,
                off.messageEcdsaVerifications() - on.messageEcdsaVerifications());
        assertEquals(on.memoHits(), off.memoHits());
        for (V2xEngine r : receivers) {
            r.close();
        }
    }
}
