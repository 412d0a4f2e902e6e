package org.qkdv2i.zap.internal.puf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.zap.api.Puf;
import org.qkdv2i.zap.internal.crypto.Sealed;
import org.qkdv2i.zap.internal.fuzzy.FuzzyExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An EMULATED SRAM PUF, the default {@link Puf} when a device has no hardware PUF.
 *
 * <p><b>This is a stored secret, not a physical unclonable function.</b> The per-cell skews
 * that make up the "fingerprint" are random numbers written to a file in {@code stateDir}
 * on first start; whoever copies that file clones the device. There is no physical
 * unclonability, no tamper evidence and no protection beyond the file's owner-only
 * permissions. It exists so the DAU, its fuzzy extractor and the rest of the platform run
 * and can be tested with realistic noise (5–15 % bit errors, unstable cells, temperature
 * and ageing) until a hardware PUF bundle registers a {@link Puf} instead.
 *
 * <p>Model: see {@link SramModel}. The configured mean bit error rate holds at 25 °C and no
 * ageing; noise grows away from 25 °C and with {@code ageingYears}.
 */
@Component(name = EmulatedSramPuf.PID, configurationPid = EmulatedSramPuf.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Puf.class)
@Designate(ocd = EmulatedSramPuf.Config.class, factory = true)
public final class EmulatedSramPuf implements Puf {

    public static final String PID = "org.qkdv2i.zap.EmulatedSramPuf";

    private static final Logger LOG = LoggerFactory.getLogger(EmulatedSramPuf.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final byte[] MAGIC = {'Q', 'Z', 'P', '1'};

    @ObjectClassDefinition(name = "QKD-V2I emulated SRAM PUF", description = "An emulated SRAM PUF (a stored "
            + "secret with realistic read noise, NO physical unclonability) for a device without a hardware PUF. "
            + "Registers a Puf service with puf.device = the configured device.")
    public @interface Config {
        @AttributeDefinition(name = "puf.device", description = "Device name; the DAU of that device binds this PUF "
                + "(service property puf.device)")
        String puf_device();

        @AttributeDefinition(description = "Number of SRAM cells (response bits); at least 3570 for a 256-bit secret")
        int cells() default 4096;

        @AttributeDefinition(description = "Mean bit error rate of a read against the enrolled response, 0.05-0.15 "
                + "typical (at 25 °C, no ageing)")
        double meanBitErrorRate() default 0.10;

        @AttributeDefinition(description = "Share of unstable cells (skew ~0: they read 1 half of the time)")
        double unstableCellShare() default 0.05;

        @AttributeDefinition(description = "Temperature in °C; noise grows away from 25 °C (x2 at 85 °C)")
        double temperatureC() default 25;

        @AttributeDefinition(description = "Age in years; noise grows 5 % a year")
        double ageingYears() default 0;

        @AttributeDefinition(description = "Folder for the persisted cell skews (created on first start; the file "
                + "is owner-only and IS the device's fingerprint)")
        String stateDir();
    }

    /** Plain-Java form of {@link Config} for tests and other modules' JUnit. */
    public record Settings(String device, int cells, double meanBitErrorRate, double unstableCellShare,
            double temperatureC, double ageingYears, Path stateDir) {

        public Settings {
            if (device == null || !NAME.matcher(device).matches()) {
                throw new IllegalArgumentException("PUF device name must be 1-64 of [A-Za-z0-9._-], got " + device);
            }
            if (cells < 64 || cells > 1 << 20) {
                throw new IllegalArgumentException("PUF " + device + ": cells must be 64..1048576, got " + cells);
            }
            if (!(meanBitErrorRate > 0 && meanBitErrorRate <= 0.25)) {
                throw new IllegalArgumentException("PUF " + device + ": meanBitErrorRate must be in (0, 0.25], got "
                        + meanBitErrorRate);
            }
            if (!(unstableCellShare >= 0 && unstableCellShare < 0.5)) {
                throw new IllegalArgumentException("PUF " + device + ": unstableCellShare must be in [0, 0.5), got "
                        + unstableCellShare);
            }
            if (stateDir == null) {
                throw new IllegalArgumentException("PUF " + device + ": stateDir is required");
            }
        }

        /** Defaults of {@link Config}: 4096 cells, the given error rate, 5 % unstable, 25 °C, new. */
        public static Settings of(String device, double meanBitErrorRate, Path stateDir) {
            return new Settings(device, 4096, meanBitErrorRate, 0.05, 25, 0, stateDir);
        }
    }

    private final String device;
    private final double sigma;
    private final long[] oneThreshold;
    private final SplittableRandom noise;

    @Activate
    public EmulatedSramPuf(Config config) throws IOException {
        this(new Settings(config.puf_device(), config.cells(), config.meanBitErrorRate(), config.unstableCellShare(),
                config.temperatureC(), config.ageingYears(),
                config.stateDir() == null || config.stateDir().isBlank() ? null : Path.of(config.stateDir())),
                new SecureRandom());
    }

    /** Loads the device's skews from {@code stateDir}, or creates them on first start. */
    public EmulatedSramPuf(Settings settings, SecureRandom random) throws IOException {
        this.device = settings.device();
        this.sigma = SramModel.solveSigma(settings.meanBitErrorRate(), settings.unstableCellShare(),
                FuzzyExtractor.ENROLMENT_READS);
        double effective = sigma * SramModel.environmentFactor(settings.temperatureC(), settings.ageingYears());
        float[] skews = loadOrCreate(settings, random);
        this.oneThreshold = SramModel.oneThresholds(skews, effective);
        Arrays.fill(skews, 0f);
        this.noise = new SplittableRandom(random.nextLong());
        LOG.info("emulated SRAM PUF {}: {} cells, mean bit error rate {} at 25 °C (noise sigma {}), {} °C, {} years "
                + "- EMULATION: a stored secret, not physically unclonable", device, settings.cells(),
                settings.meanBitErrorRate(), String.format("%.4f", sigma), settings.temperatureC(),
                settings.ageingYears());
    }

    private static float[] loadOrCreate(Settings s, SecureRandom random) throws IOException {
        Path file = s.stateDir().resolve("puf-" + s.device() + ".sram");
        if (Files.exists(file)) {
            // one read of the whole file (16 KiB at 4096 cells), not a system call per float
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
            try {
                byte[] magic = new byte[4];
                if (in.remaining() < 8) {
                    throw new IOException("PUF " + s.device() + ": " + file + " is not an emulated-PUF state file");
                }
                in.get(magic);
                int cells = in.getInt();
                if (!Arrays.equals(magic, MAGIC)) {
                    throw new IOException("PUF " + s.device() + ": " + file + " is not an emulated-PUF state file");
                }
                if (cells != s.cells()) {
                    throw new IOException("PUF " + s.device() + ": " + file + " holds " + cells + " cells but "
                            + s.cells() + " are configured (a PUF cannot change size; delete the file to make a "
                            + "new device)");
                }
                if (in.remaining() < 4L * cells) {
                    throw new IOException("PUF " + s.device() + ": " + file + " is truncated (" + cells
                            + " cells announced)");
                }
                float[] skews = new float[cells];
                in.asFloatBuffer().get(skews);
                return skews;
            } finally {
                Arrays.fill(in.array(), (byte) 0);
            }
        }
        float[] skews = SramModel.newSkews(s.cells(), s.unstableCellShare(), random);
        ByteBuffer bb = ByteBuffer.allocate(8 + 4 * skews.length).put(MAGIC).putInt(skews.length);
        for (float f : skews) {
            bb.putFloat(f);
        }
        Sealed.writeOwnerOnly(file, bb.array());
        Arrays.fill(bb.array(), (byte) 0);
        LOG.info("emulated SRAM PUF {}: new device, {} cell skews written to {}", s.device(), s.cells(), file);
        return skews;
    }

    @Override
    public String id() {
        return "emulated-sram:" + device;
    }

    @Override
    public int cellCount() {
        return oneThreshold.length;
    }

    @Override
    public byte[] read() {
        SplittableRandom r;
        synchronized (noise) {
            r = noise.split();
        }
        return SramModel.read(oneThreshold, r);
    }

    /** The noise σ solved for the configured rate (at 25 °C, no ageing). */
    public double noiseSigma() {
        return sigma;
    }
}
