package org.qkdv2i.radio.udp.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What all virtual-air radios of this framework share: a few I/O threads ({@link AirShard}s, each
 * a selector over many radios' sockets plus their timed deliveries) instead of one or two threads
 * per radio, and the in-JVM directories of the named airs ({@link AirDirectory}) that the
 * neighbour-directed unicast mode addresses frames by. One instance per framework (private to this
 * bundle: the radios reference it).
 */
@Designate(ocd = VirtualAir.Config.class)
@Component(name = VirtualAir.PID, configurationPid = VirtualAir.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = VirtualAir.class, immediate = true)
public final class VirtualAir implements AutoCloseable {
    public static final String PID = "org.qkdv2i.radio.udp.VirtualAir";
    private static final Logger LOG = LoggerFactory.getLogger(VirtualAir.class);

    @ObjectClassDefinition(name = "QKD-V2I virtual air (shared I/O and directories)",
            description = "I/O threads shared by all virtual-air radios of this framework, and the grid of the"
                    + " neighbour-directed unicast airs. Changing it restarts every radio.")
    public @interface Config {
        @AttributeDefinition(name = "I/O threads", description = "Threads that receive and deliver for all radios"
                + " (each radio is served by one of them, in order); listeners run on them", min = "1")
        int io_threads() default 2;

        @AttributeDefinition(name = "Grid cell (m)", description = "Cell edge of the directory grid; 0 = the range"
                + " of the first radio of each technology and role (about the largest range works best)", min = "0")
        double cell_m() default 0;
    }

    private final AirShard[] shards;
    private final double cellM;
    private final AtomicInteger next = new AtomicInteger();
    private final ConcurrentHashMap<String, AirDirectory> directories = new ConcurrentHashMap<>();

    @Activate
    public VirtualAir(Config config) throws IOException {
        this(config.io_threads(), config.cell_m());
    }

    VirtualAir(int ioThreads, double cellM) throws IOException {
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException("io_threads " + ioThreads + " outside 1..64");
        }
        if (!(cellM >= 0) || Double.isInfinite(cellM)) {
            throw new IllegalArgumentException("cell_m " + cellM + " must be a finite number >= 0");
        }
        this.cellM = cellM;
        List<AirShard> s = new ArrayList<>();
        try {
            for (int i = 0; i < ioThreads; i++) {
                s.add(new AirShard("udp-air-io-" + i));
            }
        } catch (IOException e) {
            s.forEach(AirShard::close);
            throw e;
        }
        shards = s.toArray(new AirShard[0]);
        LOG.info("virtual air: {} I/O threads, grid cell {}", ioThreads, cellM > 0 ? cellM + " m" : "by range");
    }

    /** The shard for a new radio (round robin). */
    AirShard shard() {
        return shards[Math.floorMod(next.getAndIncrement(), shards.length)];
    }

    /** The directory of the air called {@code name}, created on first use. */
    AirDirectory directory(String name) {
        return directories.computeIfAbsent(name, n -> new AirDirectory(n, cellM));
    }

    /** The I/O threads (tests count them). */
    List<Thread> threads() {
        List<Thread> t = new ArrayList<>();
        for (AirShard s : shards) {
            t.add(s.thread());
        }
        return t;
    }

    @Deactivate
    @Override
    public void close() {
        for (AirShard s : shards) {
            s.close();
        }
    }
}
