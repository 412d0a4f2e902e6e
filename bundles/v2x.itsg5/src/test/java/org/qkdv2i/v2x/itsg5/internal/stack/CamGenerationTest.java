package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.message.BasicVehicleContainerHighFrequency;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.message.ManagementContainer;
import org.qkdv2i.v2x.api.message.StationType;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.NetCodecs;

/** EN 302 637-2 §6.1.3 CAM generation, over the loopback air into a second stack. */
public class CamGenerationTest {
    private Rig rig;
    private MovingStation car;
    private V2xEngine sender;
    private Collector heard;

    @Before
    public void setUp() {
        rig = new Rig();
        car = new MovingStation(rig.clock, 481370000, 115750000);
        sender = rig.itsG5(StackConfig.defaults("car", Profile.EU, 1001, StationType.PASSENGER_CAR), 0x02_00_00_00_00_01L,
                null, null);
        sender.setStateProvider(car);
        V2xEngine receiver = rig.itsG5(StackConfig.defaults("rsu", Profile.EU, 2002, StationType.ROAD_SIDE_UNIT)
                .generating(false), 0x02_00_00_00_00_02L, null, null);
        heard = new Collector();
        receiver.addListener(heard, null, null);
    }

    /** Milliseconds between consecutive received CAMs (from the receive times). */
    private List<Long> intervals() {
        List<Long> l = new ArrayList<>();
        for (int i = 1; i < heard.messages.size(); i++) {
            l.add(Duration.between(heard.messages.get(i - 1).receivedAt(), heard.messages.get(i).receivedAt()).toMillis());
        }
        return l;
    }

    @Test
    public void standingStillGivesOneCamPerSecondWithTheLowFrequencyContainer() {
        rig.run(Duration.ofSeconds(10));
        assertEquals(11, heard.cams().size()); // t = 0, 1, ..., 10 s
        assertTrue(intervals().stream().allMatch(i -> i == 1000));
        // 1 Hz: every CAM is at least 500 ms after the last low-frequency container
        assertTrue(heard.cams().stream().allMatch(c -> c.lowFrequencyContainer() != null));
        Cam c = heard.cams().get(0);
        assertEquals(1001, c.stationId());
        assertEquals(481370000, c.basicContainer().referencePosition().latitude());
        assertEquals(StationType.PASSENGER_CAR, c.basicContainer().stationType());
        long its = ManagementContainer.timestampItsOfUnixMillis(Rig.START.toEpochMilli());
        assertEquals(its % 65536, c.generationDeltaTime());
        assertEquals(Protection.UNSECURED, heard.messages.get(0).security().protection());
        assertEquals(11, sender.statistics().sent());
        assertEquals(11, heard.messages.size());
    }

    @Test
    public void positionChangeOverFourMetresTriggers() {
        car.move(18, 0); // 0.9 m per 50 ms check: 3.6 m after 200 ms, 4.5 m after 250 ms
        rig.run(Duration.ofSeconds(5));
        List<Long> iv = intervals();
        assertTrue(iv.toString(), iv.stream().allMatch(i -> i == 250));
        assertEquals(21, heard.cams().size());
        assertEquals(1800, heard.cams().get(1).highFrequencyContainer() instanceof BasicVehicleContainerHighFrequency h
                ? h.speed().value() : -1);
    }

    @Test
    public void fastVehicleIsLimitedToTenHertzAndCarriesLowFrequencyEveryFiveHundredMs() {
        car.move(50, 0); // 5 m per 100 ms
        rig.run(Duration.ofSeconds(3));
        assertTrue(intervals().toString(), intervals().stream().allMatch(i -> i == 100));
        assertEquals(31, heard.cams().size());
        for (int i = 0; i < heard.cams().size(); i++) {
            assertEquals("CAM " + i, i % 5 == 0, heard.cams().get(i).lowFrequencyContainer() != null);
        }
    }

    @Test
    public void headingChangeOverFourDegreesTriggersAndThreeDegreesDoesNot() {
        car.move(0, 3.0 / 0.9); // 3 degrees in 900 ms: no trigger before T_GenCamMax
        rig.run(Duration.ofMillis(950));
        assertEquals(1, heard.cams().size());
        car.move(0, 20); // 2 degrees per 100 ms: > 4 degrees after 250 ms (5 degrees)
        rig.clock.advance(Duration.ofMillis(50)); // t = 1000
        rig.run(Duration.ofSeconds(2));
        List<Long> iv = intervals();
        assertEquals(1000L, (long) iv.get(0)); // the CAM at 1 s (time) ...
        assertTrue(iv.toString(), iv.subList(1, iv.size()).stream().allMatch(i -> i == 250)); // then heading
    }

    @Test
    public void speedChangeOverHalfAMetrePerSecondTriggers() {
        rig.run(Duration.ofMillis(300));
        assertEquals(1, heard.cams().size());
        // 0.4 m/s: no trigger (and 0.4 m/s moves 0.14 m in 350 ms)
        car.move(0.4, 0);
        rig.clock.advance(Duration.ofMillis(50));
        rig.run(Duration.ofMillis(300));
        assertEquals(1, heard.cams().size());
        car.move(0.6, 0);
        rig.clock.advance(Duration.ofMillis(50));
        rig.run(Duration.ofMillis(0));
        assertEquals(2, heard.cams().size());
        assertEquals(Duration.ofMillis(700), sender.currentTGenCam());
    }

    @Test
    public void afterDynamicsStopThreeCamsFollowAtTheLastIntervalThenTGenCamMax() {
        car.move(50, 0);
        rig.run(Duration.ofMillis(1000)); // CAMs every 100 ms, the last at t = 1000
        car.move(0, 0);
        heard.messages.clear();
        rig.clock.advance(Duration.ofMillis(50));
        rig.run(Duration.ofMillis(3000));
        // t = 1100: the stop itself is a speed change (condition 1, T_GenCam = 100 ms); then
        // condition 2 with T_GenCam = 100 ms for N_GenCam = 3 CAMs (1200, 1300, 1400), then T_GenCamMax
        List<Long> iv = intervals();
        assertEquals(List.of(100L, 100L, 100L, 1000L, 1000L), iv.subList(0, 5));
        assertEquals(Duration.ofMillis(1000), sender.currentTGenCam());
    }

    @Test
    public void camsTravelInGeoNetworkingSingleHopBroadcastOverBtpB() {
        rig.run(Duration.ofMillis(0));
        RadioFrame f = rig.air.sent().get(0);
        assertEquals(RadioFrame.ETHERTYPE_GEONETWORKING, f.protocol());
        assertEquals(3, (int) f.metadata().userPriority()); // TC 2 -> AC_BE
        GnPacket p = NetCodecs.geoNetworking().decode(f.payload()).value();
        assertTrue(p.extended() instanceof GnExtendedHeader.SingleHopBroadcast);
        assertEquals(1, p.remainingHopLimit());
        assertEquals(0x02_00_00_00_00_01L, ((GnExtendedHeader.SingleHopBroadcast) p.extended()).source().address().mid());
        assertEquals(2001, NetCodecs.btp().decode(p).value().destinationPort());
    }

    @Test
    public void noStationStateNoCamsAndNoRadioNoFrames() {
        sender.setStateProvider(null);
        rig.run(Duration.ofSeconds(2));
        assertEquals(0, heard.messages.size());
        sender.setStateProvider(car);
        sender.unsetRadio(rig.air.sent().isEmpty() ? null : null);
        rig.run(Duration.ofMillis(0));
        assertEquals(1, heard.messages.size());
        assertNotNull(heard.messages.get(0).source());
        assertNull(heard.messages.get(0).security().signerId());
    }
}
