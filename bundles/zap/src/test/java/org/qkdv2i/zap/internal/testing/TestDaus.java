package org.qkdv2i.zap.internal.testing;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.MeasuredComponent;
import org.qkdv2i.zap.internal.DauComponent;
import org.qkdv2i.zap.internal.DauSettings;
import org.qkdv2i.zap.internal.identity.Measurement;
import org.qkdv2i.zap.internal.puf.EmulatedSramPuf;

/** Builds DAUs on emulated PUFs for tests, the way other modules' JUnit would. */
public final class TestDaus {

    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    public static final List<MeasuredComponent> SOFTWARE = List.of(Measurement.software("org.qkdv2i.zap", "0.1.0"),
            Measurement.software("org.apache.felix.framework", "7.0.5"));

    private TestDaus() {
    }

    public static EmulatedSramPuf puf(Path dir, String device, double ber) throws Exception {
        return new EmulatedSramPuf(EmulatedSramPuf.Settings.of(device, ber, dir), new SecureRandom());
    }

    public static DauComponent dau(Path dir, String name, DeviceRole role, double ber,
            Optional<IdentityDirectory> directory) throws Exception {
        return dau(dir, name, role, ber, directory, SOFTWARE);
    }

    public static DauComponent dau(Path dir, String name, DeviceRole role, double ber,
            Optional<IdentityDirectory> directory, List<MeasuredComponent> software) throws Exception {
        return DauComponent.create(puf(dir, name, ber),
                DauSettings.of(name, role == DeviceRole.VEHICLE ? DauKind.DAU_V : DauKind.DAU_N, role, "zone-1", dir),
                software, directory, CLOCK, new SecureRandom());
    }
}
