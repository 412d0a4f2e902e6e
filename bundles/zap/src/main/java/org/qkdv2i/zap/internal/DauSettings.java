package org.qkdv2i.zap.internal;

import java.nio.file.Path;
import java.util.regex.Pattern;

import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.internal.fuzzy.FuzzyExtractor;

/**
 * Plain-Java configuration of a DAU (the {@link DauComponent.Config} of a factory
 * configuration), for constructing one in JUnit without OSGi.
 *
 * @param name            device name, e.g. "bs-E", "rsu-7-n" (1-64 of [A-Za-z0-9._-])
 * @param kind            DAU-N or DAU-V
 * @param role            what the device is
 * @param zone            micro-segment (DPN policy)
 * @param hardware        hardware description that is part of the measurement
 * @param stateDir        folder for helper data, identity and the sealed relation store
 * @param enrolmentReads  PUF reads averaged at enrolment (odd, 1..99)
 * @param replayCacheSize first handshake messages remembered against replay
 */
public record DauSettings(String name, DauKind kind, DeviceRole role, String zone, String hardware, Path stateDir,
        int enrolmentReads, int replayCacheSize) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public DauSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("DAU name must be 1-64 of [A-Za-z0-9._-], got " + name);
        }
        if (kind == null || role == null) {
            throw new IllegalArgumentException("DAU " + name + ": kind and role are required");
        }
        if (zone == null || zone.isBlank()) {
            throw new IllegalArgumentException("DAU " + name + ": zone is required");
        }
        if (stateDir == null) {
            throw new IllegalArgumentException("DAU " + name + ": stateDir is required");
        }
        if (enrolmentReads < 1 || enrolmentReads > 99 || enrolmentReads % 2 == 0) {
            throw new IllegalArgumentException("DAU " + name + ": enrolmentReads must be odd, 1..99, got "
                    + enrolmentReads);
        }
        if (replayCacheSize < 1) {
            throw new IllegalArgumentException("DAU " + name + ": replayCacheSize must be positive");
        }
        hardware = hardware == null ? "" : hardware;
    }

    /** Defaults: no hardware string, 15 enrolment reads, 4096 remembered first messages. */
    public static DauSettings of(String name, DauKind kind, DeviceRole role, String zone, Path stateDir) {
        return new DauSettings(name, kind, role, zone, "", stateDir, FuzzyExtractor.ENROLMENT_READS, 4096);
    }
}
