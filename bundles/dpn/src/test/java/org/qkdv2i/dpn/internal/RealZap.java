package org.qkdv2i.dpn.internal;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.internal.DauComponent;
import org.qkdv2i.zap.internal.DauSettings;
import org.qkdv2i.zap.internal.identity.Measurement;
import org.qkdv2i.zap.internal.puf.EmulatedSramPuf;

/** The real zap classes (ROOT's DAU on an emulated SRAM PUF), built as other modules' JUnit may. */
final class RealZap {

    private RealZap() {
    }

    /** A DAU on its own emulated PUF with the given mean bit error rate; enrols on first use of {@code dir}. */
    static DauComponent dau(Path dir, String name, DauKind kind, DeviceRole role, String zone, double bitErrorRate,
            IdentityDirectory directory) throws Exception {
        EmulatedSramPuf puf = new EmulatedSramPuf(EmulatedSramPuf.Settings.of(name, bitErrorRate, dir.resolve(name + "-puf")),
                new SecureRandom());
        return DauComponent.create(puf, DauSettings.of(name, kind, role, zone, dir.resolve(name)),
                List.of(Measurement.software("org.qkdv2i.dpn", "0.1.0")), Optional.of(directory), Clock.systemUTC(),
                new SecureRandom());
    }
}
