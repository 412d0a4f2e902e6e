package org.qkdv2i.radio.udp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.junit.Test;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioTechnology;

/** The directory's grid lookup against a brute-force check of every pair, with the model's own distance. */
public class AirDirectoryTest {
    static final double LAT = 48.137;
    static final double LON = 11.575;

    static long pos(double northM, double eastM) {
        int lat = (int) Math.round((LAT + northM / AirDirectory.M_PER_DEG) * 1e7);
        int lon = (int) Math.round((LON + eastM / (AirDirectory.M_PER_DEG * Math.cos(Math.toRadians(LAT)))) * 1e7);
        return (long) lat << 32 | (lon & 0xFFFF_FFFFL);
    }

    static double distance(long a, long b) {
        return PathLoss.distanceM((int) (a >> 32), (int) a, (int) (b >> 32), (int) b);
    }

    @Test
    public void gridLookupEqualsBruteForceWhileRadiosMove() {
        AirDirectory dir = new AirDirectory("t", 0);
        SplittableRandom rnd = new SplittableRandom(3);
        List<AirDirectory.Member> members = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            AirRole role = i % 10 == 0 ? AirRole.RSU : AirRole.VEHICLE;
            AirRole.Hears hears = i % 3 == 0 ? AirRole.Hears.V2I : AirRole.Hears.ALL;
            double range = new double[] {150, 400, 400, 1000}[i % 4]; // mixed ranges: the lookup takes the largest
            AirDirectory.Member m = dir.register("r" + i, i % 7 == 0 ? RadioTechnology.CV2X_PC5 : RadioTechnology.ITS_G5,
                    i % 11 == 0 ? 172 : 180, LinkAddress.mac(0x0200_0000_0000L + i),
                    new InetSocketAddress("127.0.0.1", 10_000 + i), AirRole.bits(role, hears), range);
            members.add(m);
            dir.move(m, pos(rnd.nextDouble(-1500, 1500), rnd.nextDouble(-1500, 1500)));
        }
        for (int round = 0; round < 5; round++) {
            long checked = 0;
            for (AirDirectory.Member s : members) {
                int channel = s.channel;
                Set<String> want = new HashSet<>();
                for (AirDirectory.Member r : members) {
                    if (r != s && r.technology == s.technology && r.channel == channel && AirRole.allows(s.role, r.role)
                            && distance(s.position, r.position) <= r.rangeM) {
                        want.add(r.radioId);
                    }
                }
                Set<String> got = dir.receivers(s, s.position, channel, LinkAddress.BROADCAST_MAC).stream()
                        .map(m -> m.radioId).collect(Collectors.toSet());
                assertEquals("receivers of " + s.radioId, want, got);
                checked += want.size();
            }
            assertTrue("the test checks real neighbourhoods: " + checked, checked > 1000);
            for (AirDirectory.Member m : members) { // everybody drives up to 200 m, many cross a cell edge
                long p = m.position;
                double n = (((int) (p >> 32)) / 1e7 - LAT) * AirDirectory.M_PER_DEG + rnd.nextDouble(-200, 200);
                double e = (((int) p) / 1e7 - LON) * AirDirectory.M_PER_DEG * Math.cos(Math.toRadians(LAT))
                        + rnd.nextDouble(-200, 200);
                dir.move(m, pos(n, e));
            }
        }
        // unplaced radios hear everyone and an unplaced sender reaches all (of its technology, channel, roles)
        AirDirectory.Member lost = members.get(1);
        dir.move(lost, AirDirectory.UNKNOWN_POSITION);
        AirDirectory.Member far = members.get(5);
        dir.move(far, pos(50_000, 0));
        assertTrue(dir.receivers(far, far.position, far.channel, LinkAddress.BROADCAST_MAC).contains(lost)
                == AirRole.allows(far.role, lost.role) && far.technology == lost.technology && far.channel == lost.channel);
        long reachable = members.stream().filter(r -> r != lost && r.technology == lost.technology
                && r.channel == lost.channel && AirRole.allows(lost.role, r.role)).count();
        assertEquals(reachable, dir.receivers(lost, AirDirectory.UNKNOWN_POSITION, lost.channel,
                LinkAddress.BROADCAST_MAC).size());
        dir.unregister(lost);
        assertEquals(599, dir.size());
        assertTrue(members.stream().noneMatch(s -> dir.receivers(s, s.position, s.channel, LinkAddress.BROADCAST_MAC)
                .contains(lost)));
    }
}
