package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;

import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.v2x.api.adapter.DenmEvent;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.Denm;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.StationType;
import org.qkdv2i.v2x.api.message.Termination;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.codec.net.GeoArea;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.NetCodecs;

/** EN 302 637-3 §8: trigger, repetition, update, cancellation, negation; receiving table. */
public class DenmLifecycleTest {
    private static final CauseCode ROADWORKS = new CauseCode(3, 0);
    private static final ReferencePosition WORKS = ReferencePosition.ofDegrees(48.14, 11.58);
    private Rig rig;
    private V2xEngine rsu;
    private V2xEngine car;
    private Collector carHeard;
    private Collector rsuHeard;

    @Before
    public void setUp() {
        rig = new Rig();
        rsu = rig.itsG5(StackConfig.defaults("rsu", Profile.EU, 77, StationType.ROAD_SIDE_UNIT).generating(false),
                0x02_00_00_00_00_0AL, null, null);
        car = rig.itsG5(StackConfig.defaults("car", Profile.EU, 1001, StationType.PASSENGER_CAR).generating(false),
                0x02_00_00_00_00_0BL, null, null);
        carHeard = new Collector();
        rsuHeard = new Collector();
        car.addListener(carHeard, null, null);
        rsu.addListener(rsuHeard, null, null);
    }

    private DenmRequest roadworks() {
        return DenmRequest.of(ROADWORKS, Duration.ofSeconds(60)).withEventPosition(WORKS)
                .withRepetition(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    @Test
    public void triggerIsRepeatedAndTheReceiverDeliversItOnce() throws Exception {
        DenmEvent e = rsu.triggerDenm(roadworks(), Security.unsecured());
        assertEquals(77, e.actionId().originatingStationId());
        assertEquals(0, e.actionId().sequenceNumber());
        rig.run(Duration.ofSeconds(3));
        // sent at 0 and repeated at 200, 400, 600, 800 ms; the repetition duration ends at 1 s
        assertEquals(5, rig.air.sent().size());
        assertEquals(1, carHeard.denms().size());
        assertEquals(4, car.statistics().duplicates());
        Denm d = carHeard.denms().get(0);
        assertEquals(e.actionId(), d.management().actionId());
        assertEquals(ROADWORKS, d.situation().eventType());
        assertEquals(60, (int) d.management().validityDuration());
        assertEquals(200, (int) d.management().transmissionInterval());
        assertNull(d.management().termination());
        assertTrue(e.isActive());

        // GeoBroadcast to a 500 m circle around the event, multi-hop, highest traffic class
        RadioFrame f = rig.air.sent().get(0);
        GnPacket p = NetCodecs.geoNetworking().decode(f.payload()).value();
        GnExtendedHeader.GeoBroadcast gbc = (GnExtendedHeader.GeoBroadcast) p.extended();
        assertEquals(GeoArea.circle(WORKS.latitude(), WORKS.longitude(), 500), gbc.area());
        assertEquals(10, p.remainingHopLimit());
        assertEquals(0, p.common().trafficClass().id());
        assertEquals(6, (int) f.metadata().userPriority());
        assertEquals(2002, NetCodecs.btp().decode(p).value().destinationPort());
    }

    @Test
    public void updateKeepsTheActionIdWithANewReferenceTimeAndIsDeliveredAgain() throws Exception {
        DenmEvent e = rsu.triggerDenm(roadworks(), Security.unsecured());
        rig.run(Duration.ofMillis(500));
        rig.clock.advance(Duration.ofMillis(50));
        e.update(roadworks().withEventPosition(ReferencePosition.ofDegrees(48.15, 11.58)));
        rig.run(Duration.ofMillis(2000));
        assertEquals(2, carHeard.denms().size());
        Denm first = carHeard.denms().get(0);
        Denm second = carHeard.denms().get(1);
        assertEquals(first.management().actionId(), second.management().actionId());
        assertEquals(first.management().detectionTime(), second.management().detectionTime());
        assertEquals(550, second.management().referenceTime() - first.management().referenceTime());
        assertEquals(481500000, second.management().eventPosition().latitude());
        // repetitions restarted with the update: 0, 200, 400 before; 550 and 4 more after
        assertEquals(3 + 5, rig.air.sent().size());
    }

    @Test
    public void cancellationStopsRepetitionAndIsDelivered() throws Exception {
        DenmEvent e = rsu.triggerDenm(roadworks(), Security.unsecured());
        rig.run(Duration.ofMillis(300));
        int before = rig.air.sent().size(); // 0 and 200
        rig.clock.advance(Duration.ofMillis(50));
        e.cancel();
        assertFalse(e.isActive());
        rig.run(Duration.ofSeconds(2));
        assertEquals(before + 1, rig.air.sent().size());
        Denm last = carHeard.denms().get(carHeard.denms().size() - 1);
        assertEquals(Termination.IS_CANCELLATION, last.management().termination());
        assertEquals(e.actionId(), last.management().actionId());
        assertNull(last.situation());
        e.cancel(); // idempotent, sends nothing
        assertEquals(before + 1, rig.air.sent().size());
        try {
            e.update(roadworks());
            fail("update after cancellation");
        } catch (IllegalStateException expected) {
            // a terminated event cannot be updated
        }
    }

    @Test
    public void anotherStationNegatesTheEvent() throws Exception {
        DenmEvent e = rsu.triggerDenm(DenmRequest.of(ROADWORKS, Duration.ofSeconds(60)).withEventPosition(WORKS),
                Security.unsecured());
        rig.run(Duration.ofMillis(100));
        car.negateDenm(carHeard.denms().get(0).management().actionId(),
                DenmRequest.of(ROADWORKS, Duration.ofSeconds(60)).withEventPosition(WORKS), Security.unsecured());
        Denm n = rsuHeard.denms().get(0);
        assertEquals(Termination.IS_NEGATION, n.management().termination());
        assertEquals(e.actionId(), n.management().actionId());
        assertEquals(1001, n.header().stationId());
    }

    @Test
    public void eventsExpireAfterTheirValidityAndSequenceNumbersAdvance() throws Exception {
        DenmEvent a = rsu.triggerDenm(DenmRequest.of(ROADWORKS, Duration.ofSeconds(2)).withEventPosition(WORKS),
                Security.unsecured());
        DenmEvent b = rsu.triggerDenm(DenmRequest.of(ROADWORKS, Duration.ofSeconds(2)).withEventPosition(WORKS),
                Security.unsecured());
        assertEquals(a.actionId().sequenceNumber() + 1, b.actionId().sequenceNumber());
        assertEquals(2, carHeard.denms().size());
        rig.run(Duration.ofSeconds(2));
        assertFalse(a.isActive());
    }

    @Test
    public void geoBroadcastIsDeliveredOnlyInsideItsArea() throws Exception {
        // WORKS is 48.14 N 11.58 E; 0.0036 degrees of latitude = 400 m north, 0.0054 = 600 m
        car.setStateProvider(() -> new org.qkdv2i.v2x.api.StationState(1001, 5, 481436000, 115800000, true, 0, 0,
                rig.clock.instant()));
        rsu.triggerDenm(DenmRequest.of(ROADWORKS, Duration.ofSeconds(60)).withEventPosition(WORKS), Security.unsecured());
        assertEquals(1, carHeard.denms().size());
        car.setStateProvider(() -> new org.qkdv2i.v2x.api.StationState(1001, 5, 481454000, 115800000, true, 0, 0,
                rig.clock.instant()));
        rsu.triggerDenm(DenmRequest.of(ROADWORKS, Duration.ofSeconds(60)).withEventPosition(WORKS), Security.unsecured());
        assertEquals(1, carHeard.denms().size());
        assertEquals(1, car.statistics().outsideArea());
        // a 100 m x 1000 m rectangle along north-south contains the point 600 m north, east-west does not
        assertTrue(GeoAreas.contains(new GeoArea(GeoArea.Shape.RECTANGLE, WORKS.latitude(), WORKS.longitude(), 1000, 100,
                0), 481454000, 115800000));
        assertFalse(GeoAreas.contains(new GeoArea(GeoArea.Shape.RECTANGLE, WORKS.latitude(), WORKS.longitude(), 1000, 100,
                90), 481454000, 115800000));
        assertTrue(GeoAreas.contains(new GeoArea(GeoArea.Shape.ELLIPSE, WORKS.latitude(), WORKS.longitude(), 1000, 100,
                90), 481400000, 115880000)); // about 590 m east
    }

    @Test
    public void usStackRefusesDenm() throws Exception {
        V2xEngine us = rig.itsG5(StackConfig.defaults("us", Profile.US, 5, 5).generating(false), 0x02_00_00_00_00_0CL,
                null, null);
        try {
            us.triggerDenm(roadworks(), Security.unsecured());
            fail("DENM on a US stack");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("EU"));
        }
    }
}
