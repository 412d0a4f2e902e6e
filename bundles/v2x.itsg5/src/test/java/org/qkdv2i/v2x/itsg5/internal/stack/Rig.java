package org.qkdv2i.v2x.itsg5.internal.stack;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.itsg5.internal.ItsG5Framing;

/** Engines on a loopback air with one manual clock; {@link #run} ticks them every 50 ms. */
public final class Rig {
    public static final Instant START = Instant.parse("2026-11-27T10:00:00Z");
    public static final Duration CHECK = Duration.ofMillis(50);
    public final ManualClock clock = new ManualClock(START);
    public final LoopbackAir air = new LoopbackAir();
    private final List<V2xEngine> engines = new ArrayList<>();

    public V2xEngine itsG5(StackConfig config, long mac, SigningCredential credential, TrustStore trust) {
        return add(config, new ItsG5Framing(null, null, null), air.radio(config.stackId(), RadioTechnology.ITS_G5,
                LinkAddress.mac(mac)), credential, trust);
    }

    public V2xEngine add(StackConfig config, LinkFraming framing, LoopbackAir.LoopbackRadio radio,
            SigningCredential credential, TrustStore trust) {
        V2xEngine e = new V2xEngine(config, framing, clock, credential, trust == null ? new TrustStore() : trust);
        e.setRadio(radio);
        engines.add(e);
        return e;
    }

    /** Ticks every engine now, then every 50 ms for {@code d} (the last tick at start + d). */
    public void run(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            for (V2xEngine e : engines) {
                e.tick();
            }
            if (!clock.instant().plus(CHECK).isAfter(end)) {
                clock.advance(CHECK);
            } else {
                break;
            }
        }
    }
}
