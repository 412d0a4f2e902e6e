package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.StationType;

/**
 * Ticks are cheap when nothing is due: the engine skips reading the station state until a CAM or
 * BSM can be generated at all, and the CAMs are exactly those of EN 302 637-2 §6.1.3.
 */
public class TickFastPathTest {

    /** Counts how often the engine asks for the station state. */
    private static final class CountingState implements org.qkdv2i.v2x.api.adapter.StationStateProvider {
        final MovingStation inner;
        final AtomicInteger reads = new AtomicInteger();

        CountingState(MovingStation inner) {
            this.inner = inner;
        }

        @Override
        public StationState stationState() {
            reads.incrementAndGet();
            return inner.stationState();
        }
    }

    @Test
    public void anRsuReadsItsStateOnlyWhenACamIsDue() {
        Rig rig = new Rig();
        V2xEngine rsu = rig.itsG5(StackConfig.defaults("rsu", Profile.EU, 7, StationType.ROAD_SIDE_UNIT), 0x020000000007L,
                null, null);
        CountingState state = new CountingState(new MovingStation(rig.clock, 481370000, 115750000));
        rsu.setStateProvider(state);
        Collector heard = new Collector();
        V2xEngine car = rig.itsG5(StackConfig.defaults("car", Profile.EU, 8, StationType.PASSENGER_CAR).generating(false),
                0x020000000008L, null, null);
        car.addListener(heard, null, null);
        rig.run(Duration.ofSeconds(10)); // 201 ticks
        assertEquals(11, heard.cams().size()); // T_GenCamMax: t = 0..10 s
        // two reads per CAM (the decision, the GeoNetworking position vector), none for the 190
        // ticks in between (before the fast path: 201 + 11)
        assertEquals(22, state.reads.get());
    }

    @Test
    public void aMovingCarIsCheckedFromTGenCamMinOnly() {
        Rig rig = new Rig();
        V2xEngine car = rig.itsG5(StackConfig.defaults("car", Profile.EU, 8, StationType.PASSENGER_CAR), 0x020000000008L,
                null, null);
        MovingStation moving = new MovingStation(rig.clock, 481370000, 115750000);
        moving.move(50, 0); // 5 m per 100 ms: condition 1 at every T_GenCamMin
        CountingState state = new CountingState(moving);
        car.setStateProvider(state);
        Collector heard = new Collector();
        V2xEngine rsu = rig.itsG5(StackConfig.defaults("rsu", Profile.EU, 7, StationType.ROAD_SIDE_UNIT).generating(false),
                0x020000000007L, null, null);
        rsu.addListener(heard, null, null);
        rig.run(Duration.ofSeconds(2)); // 41 ticks
        assertEquals(21, heard.cams().size()); // 10 Hz cap
        // two reads per CAM; the 20 ticks between CAMs (elapsed < T_GenCamMin) read nothing
        assertEquals(42, state.reads.get());
    }

    @Test
    public void aDenmTriggeredOnAQuietStackIsRepeatedOnTime() throws Exception {
        Rig rig = new Rig();
        // generates nothing: after its first tick every tick takes the fast path
        V2xEngine rsu = rig.itsG5(StackConfig.defaults("rsu", Profile.EU, 7, StationType.ROAD_SIDE_UNIT)
                .generating(false), 0x020000000007L, null, null);
        Collector heard = new Collector();
        V2xEngine car = rig.itsG5(StackConfig.defaults("car", Profile.EU, 8, StationType.PASSENGER_CAR).generating(false),
                0x020000000008L, null, null);
        car.addListener(heard, null, null);
        rig.run(Duration.ofMillis(500));
        assertEquals(0, rsu.statistics().sent());
        rsu.triggerDenm(DenmRequest.of(new CauseCode(3, 0), Duration.ofSeconds(60))
                .withEventPosition(ReferencePosition.ofDegrees(48.14, 11.58))
                .withRepetition(Duration.ofMillis(100), Duration.ofMillis(450)), Security.unsecured());
        rig.clock.advance(Duration.ofMillis(50));
        rig.run(Duration.ofMillis(1000));
        // at once, then repeated at 100, 200, 300, 400 ms; the repetition duration ends at 450 ms
        assertEquals(5, rsu.statistics().sent());
        assertEquals(1, heard.denms().size());
        assertEquals(4, car.statistics().duplicates());
    }
}
