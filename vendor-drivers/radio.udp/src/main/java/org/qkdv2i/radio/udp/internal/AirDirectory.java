package org.qkdv2i.radio.udp.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioTechnology;

/**
 * The radios of one named air in this JVM, so a sender can address a datagram to each radio
 * that can hear it instead of to every radio. Radios are kept in layers (technology x role),
 * each a uniform grid of square cells (about the largest range of the layer); a lookup visits
 * the cells within the layer's largest receiver range around the sender, so its cost grows with
 * the radios nearby, not with the size of the city. Radios without a position or with an
 * unlimited range hear everything and are always candidates; a sender without a position
 * reaches every radio of the eligible layers (as the receivers would judge it).
 *
 * <p>Thread-safe without a global lock: lookups read concurrent sets; a position update is a
 * volatile write, plus a move between two cell sets when the radio crosses a cell edge. A radio
 * crossing an edge while a lookup runs may miss that one frame, but is never found twice.
 */
final class AirDirectory {
    /** Metres per degree of latitude on the model's sphere. */
    static final double M_PER_DEG = 2 * Math.PI * PathLoss.EARTH_RADIUS_M / 360;
    /** {@link Member#cell} of a radio in its layer's always-candidate set (no position or unlimited range). */
    static final long EVERYWHERE = Long.MIN_VALUE;
    static final long UNKNOWN_POSITION = Long.MIN_VALUE;
    private static final double MIN_CELL_M = 50;

    final String name;
    private final double configuredCellM;
    private final Layer[] layers = new Layer[RadioTechnology.values().length * AirRole.values().length];

    AirDirectory(String name, double cellM) {
        this.name = name;
        this.configuredCellM = cellM;
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer();
        }
    }

    /** One radio's entry: what a sender needs to decide whether to address it. */
    static final class Member {
        final String radioId;
        final RadioTechnology technology;
        final int channel;
        final LinkAddress address;
        final InetSocketAddress endpoint;
        final int role; // AirDatagram role octet
        final double rangeM; // 0 = unlimited
        final Layer layer;
        volatile long position = UNKNOWN_POSITION; // lat << 32 | lon (0.1 microdegree)
        volatile long cell = EVERYWHERE;

        Member(String radioId, RadioTechnology technology, int channel, LinkAddress address,
                InetSocketAddress endpoint, int role, double rangeM, Layer layer) {
            this.radioId = radioId;
            this.technology = technology;
            this.channel = channel;
            this.address = address;
            this.endpoint = endpoint;
            this.role = role;
            this.rangeM = rangeM;
            this.layer = layer;
        }

        @Override
        public String toString() {
            return radioId + "@" + endpoint;
        }
    }

    /** The radios of one technology and role. */
    static final class Layer {
        final ConcurrentHashMap<Long, Set<Member>> cells = new ConcurrentHashMap<>();
        final Set<Member> everywhere = ConcurrentHashMap.newKeySet();
        final Set<Member> all = ConcurrentHashMap.newKeySet();
        volatile double maxRangeM; // of members with a limited range
        volatile double cellM; // fixed by the first ranged member (or the configuration)
        volatile double cosRef; // of the first placed member's latitude: cells are about square there
        volatile double latCellDeg;
        volatile double lonCellDeg;

        Set<Member> set(long cell) {
            return cell == EVERYWHERE ? everywhere : cells.computeIfAbsent(cell, k -> ConcurrentHashMap.newKeySet());
        }
    }

    private Layer layer(RadioTechnology technology, int role) {
        return layers[technology.ordinal() * AirRole.values().length + (role & AirDatagram.ROLE_MASK)];
    }

    /** Enters a radio (without a position: {@link #move} places it). */
    Member register(String radioId, RadioTechnology technology, int channel, LinkAddress address,
            InetSocketAddress endpoint, int role, double rangeM) {
        Layer l = layer(technology, role);
        Member m = new Member(radioId, technology, channel, address, endpoint, role, rangeM, l);
        synchronized (l) {
            if (rangeM > 0) {
                if (l.cellM == 0) {
                    l.cellM = configuredCellM > 0 ? configuredCellM : Math.max(MIN_CELL_M, rangeM);
                }
                l.maxRangeM = Math.max(l.maxRangeM, rangeM);
            }
        }
        l.all.add(m);
        l.everywhere.add(m);
        return m;
    }

    void unregister(Member m) {
        synchronized (m) {
            m.layer.all.remove(m);
            m.layer.set(m.cell).remove(m);
            m.cell = EVERYWHERE;
            m.layer.everywhere.remove(m);
        }
    }

    /** O(1): a volatile write, and a move between two cells when the radio crosses a cell edge. */
    void move(Member m, long position) {
        synchronized (m) {
            if (!m.layer.all.contains(m)) {
                return; // unregistered
            }
            m.position = position;
            long cell = position == UNKNOWN_POSITION || m.rangeM <= 0 ? EVERYWHERE : cellOf(m.layer, position);
            long old = m.cell;
            if (cell == old) {
                return;
            }
            // the field first, then add, then remove: a concurrent lookup skips an entry whose field
            // names another cell, so it may miss the radio for an instant but never finds it twice
            m.cell = cell;
            m.layer.set(cell).add(m);
            m.layer.set(old).remove(m);
        }
    }

    private static long cellOf(Layer l, long position) {
        if (l.lonCellDeg == 0) {
            synchronized (l) {
                if (l.lonCellDeg == 0) {
                    double cos = Math.max(0.01, Math.cos(Math.toRadians((int) (position >> 32) / 1e7)));
                    l.latCellDeg = l.cellM / M_PER_DEG;
                    l.cosRef = cos;
                    l.lonCellDeg = l.cellM / (M_PER_DEG * cos);
                }
            }
        }
        return key(row(l, (int) (position >> 32)), col(l, (int) position));
    }

    private static int row(Layer l, int lat) {
        return (int) Math.floor(lat / 1e7 / l.latCellDeg);
    }

    private static int col(Layer l, int lon) {
        return (int) Math.floor(lon / 1e7 / l.lonCellDeg);
    }

    private static long key(int row, int col) {
        return (long) row << 32 | (col & 0xFFFF_FFFFL);
    }

    /**
     * The radios that would hear a frame from {@code sender} at {@code position} on {@code channel}
     * addressed to {@code destination}: same technology and channel, allowed by both roles, the
     * ITS-G5 unicast destination if it is one, and within each receiver's own range when both
     * positions are known (the receiver still judges everything again).
     */
    List<Member> receivers(Member sender, long position, int channel, LinkAddress destination) {
        List<Member> out = new ArrayList<>();
        boolean unicast = sender.technology == RadioTechnology.ITS_G5 && !destination.isGroup();
        for (AirRole r : AirRole.values()) {
            int rxRole = r.bits;
            // the V2I-only bit is a property of each member: judge the role part here, the bit per member
            if (!AirRole.allows(sender.role, rxRole) && !AirRole.allows(sender.role, rxRole | AirDatagram.ROLE_V2I_ONLY)) {
                continue;
            }
            Layer l = layer(sender.technology, rxRole);
            if (l.all.isEmpty()) {
                continue;
            }
            if (position == UNKNOWN_POSITION || l.lonCellDeg == 0) {
                for (Member m : l.all) { // the sender is nowhere (or no member of the layer is placed): all hear
                    consider(out, sender, m, position, channel, unicast, destination);
                }
                continue;
            }
            for (Member m : l.everywhere) {
                if (m.cell == EVERYWHERE) {
                    consider(out, sender, m, position, channel, unicast, destination);
                }
            }
            scanCells(out, l, sender, position, channel, unicast, destination);
        }
        return out;
    }

    private static void scanCells(List<Member> out, Layer l, Member sender, long position, int channel,
            boolean unicast, LinkAddress destination) {
        double radius = l.maxRangeM * 1.001 + 1; // a hair more: grid cells are plane, distances spherical
        int lat = (int) (position >> 32);
        int lon = (int) position;
        double latDeg = lat / 1e7;
        double worstCos = Math.cos(Math.toRadians(Math.min(90, Math.abs(latDeg) + radius / M_PER_DEG)));
        if (worstCos < 0.01 || l.cells.size() <= 9) {
            for (var e : l.cells.entrySet()) { // near a pole, or a small air: visit all cells
                long key = e.getKey();
                for (Member m : e.getValue()) {
                    if (m.cell == key) {
                        consider(out, sender, m, position, channel, unicast, destination);
                    }
                }
            }
            return;
        }
        int row = row(l, lat);
        int col = col(l, lon);
        int rows = (int) Math.ceil(radius / M_PER_DEG / l.latCellDeg);
        int cols = (int) Math.ceil(radius / (M_PER_DEG * worstCos) / l.lonCellDeg);
        for (int dr = -rows; dr <= rows; dr++) {
            for (int dc = -cols; dc <= cols; dc++) {
                long key = key(row + dr, col + dc);
                Set<Member> s = l.cells.get(key);
                if (s == null) {
                    continue;
                }
                for (Member m : s) {
                    if (m.cell == key) {
                        consider(out, sender, m, position, channel, unicast, destination);
                    }
                }
            }
        }
    }

    private static void consider(List<Member> out, Member sender, Member m, long position, int channel,
            boolean unicast, LinkAddress destination) {
        if (m == sender || m.channel != channel || !AirRole.allows(sender.role, m.role)
                || unicast && !m.address.equals(destination)) {
            return;
        }
        long p = m.position;
        if (position != UNKNOWN_POSITION && p != UNKNOWN_POSITION && m.rangeM > 0
                && PathLoss.distanceM((int) (position >> 32), (int) position, (int) (p >> 32), (int) p) > m.rangeM) {
            return;
        }
        out.add(m);
    }

    /** Number of radios registered (all layers). */
    int size() {
        int n = 0;
        for (Layer l : layers) {
            n += l.all.size();
        }
        return n;
    }
}
