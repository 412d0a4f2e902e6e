package org.qkdv2i.tck;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kit tests: the driver bundle, its factory PID, the configuration of end A and end B,
 * the runtime change and the limits. Read from a profile file ({@code -Dtck.profile}, default
 * {@code drivers/testdriver.properties}) whose keys may be overridden one by one with
 * {@code -Dtck.<key>}; {@code -Dtck.config.a}/{@code -Dtck.config.b} name whole configuration
 * files ({@code .config} in the FileInstall/ConfigAdmin format, anything else as plain properties).
 *
 * <p>Loaded both outside the framework (by the {@code @Configuration} method, to provision the
 * bundles and start fixtures) and inside it (by the tests); placeholders that must agree between
 * the two ({@code ${port:NAME}}, {@code ${tmp}}, fixture values) live in system properties, which
 * both sides share (native container: one JVM).
 */
public final class Profile {

    public static final String PREFIX = "tck.";
    private static final String FILE_MARK = "\u0000config.";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(port|tmp|fixture|sys|hex)(?::([^}]+))?\\}");

    public final String source;
    public final String driver;         // file path of the driver bundle
    public final String driverV2;       // optional: a second version's file, for the update check
    public final String pid;
    public final String linkId;
    public final String nodeA;
    public final String nodeB;
    public final String roleA;          // optional expected qkd.role
    public final String roleB;
    public final String driverType;     // optional expected qkd.driver.type
    public final List<String> extraBundles;
    public final String fixture;
    /** Optional regex of the driver's thread names, for the leak checks (threads created since the baseline count anyway). */
    public final java.util.regex.Pattern threads;
    public final int blocks;
    public final long timeoutMillis;
    public final Map<String, Object> configA;
    public final Map<String, Object> configB;
    public final Map<String, Object> changeA;
    public final Map<String, Object> changeB;
    /** After the change: expected QBER of the blocks / of the status (NaN = no expectation). */
    public final double expectBlockQber;
    public final double expectStatusQber;
    /** After the change: whether the driver keeps its services (true), replaces them (false), or either (null). */
    public final Boolean expectSameServices;
    /** After the change: expected service properties (both ends). */
    public final Map<String, String> expectServiceProps;

    private Profile(String source, Properties p) throws IOException {
        this.source = source;
        this.pid = required(p, "pid");
        this.driver = resolveBundle(required(p, "driver"));
        String v2 = p.getProperty("driver.v2", "").trim();
        this.driverV2 = v2.isEmpty() ? null : resolveBundle(v2);
        this.linkId = p.getProperty("link.id", "A-B").trim();
        this.nodeA = p.getProperty("node.a", "A").trim();
        this.nodeB = p.getProperty("node.b", "B").trim();
        this.roleA = blankToNull(p.getProperty("role.a"));
        this.roleB = blankToNull(p.getProperty("role.b"));
        this.driverType = blankToNull(p.getProperty("driver.type"));
        List<String> extra = new ArrayList<>();
        for (String s : p.getProperty("bundles", "").split(",")) {
            if (!s.isBlank()) {
                extra.add(resolveBundle(s.trim()));
            }
        }
        this.extraBundles = Collections.unmodifiableList(extra);
        this.fixture = blankToNull(p.getProperty("fixture"));
        String th = blankToNull(p.getProperty("threads"));
        this.threads = th == null ? null : java.util.regex.Pattern.compile(th);
        this.blocks = Integer.parseInt(p.getProperty("blocks", "20").trim());
        this.timeoutMillis = (long) (Double.parseDouble(p.getProperty("timeout", "30").trim()) * 1000);
        this.configA = endConfig(p, "a");
        this.configB = endConfig(p, "b");
        Map<String, Object> both = prefixed(p, "change.", "change.a.", "change.b.", "change.expect.");
        this.changeA = new LinkedHashMap<>(both);
        this.changeA.putAll(prefixed(p, "change.a."));
        this.changeB = new LinkedHashMap<>(both);
        this.changeB.putAll(prefixed(p, "change.b."));
        this.expectBlockQber = Double.parseDouble(p.getProperty("change.expect.blockQber", "NaN").trim());
        this.expectStatusQber = Double.parseDouble(p.getProperty("change.expect.statusQber", "NaN").trim());
        String same = blankToNull(p.getProperty("change.expect.sameServices"));
        this.expectSameServices = same == null ? null : Boolean.valueOf(same);
        Map<String, String> sp = new LinkedHashMap<>();
        prefixed(p, "change.expect.service.").forEach((k, v) -> sp.put(k, String.valueOf(v)));
        this.expectServiceProps = Collections.unmodifiableMap(sp);
        if (blocks < 2) {
            throw new IllegalArgumentException("blocks must be at least 2, got " + blocks);
        }
    }

    /** The profile as the system properties define it. */
    public static Profile load() {
        try {
            Properties merged = merged();
            // expand placeholders in every string value
            Properties expanded = new Properties();
            for (Map.Entry<Object, Object> e : merged.entrySet()) {
                Object v = e.getValue();
                String k = String.valueOf(e.getKey());
                if (k.startsWith(FILE_MARK)) {
                    String end = k.substring(FILE_MARK.length());
                    readConfigFile((String) v).forEach((ck, cv) -> expanded.put(end + "." + ck, cv));
                    continue;
                }
                expanded.put(e.getKey(), v instanceof String ? expand((String) v) : v);
            }
            return new Profile(merged.getProperty(PREFIX + "source", "system properties"), expanded);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kit profile: " + e, e);
        }
    }

    /** The fixture class the profile names, or null; read before anything else is expanded (values may need it). */
    static String fixtureClass() {
        try {
            String f = merged().getProperty("fixture");
            return f == null || f.isBlank() ? null : expand(f.trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kit profile: " + e, e);
        }
    }

    /** Profile file and -Dtck.* overrides, placeholders not yet expanded. */
    private static Properties merged() throws IOException {
        {
            Properties merged = new Properties();
            String file = System.getProperty(PREFIX + "profile");
            String source = "system properties";
            String sysPid = System.getProperty(PREFIX + "pid");
            if (file != null && !file.isBlank() && !file.startsWith("${") && !file.equals("none")) {
                Properties prof = new Properties();
                prof.load(new StringReader(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
                // a profile of another driver is ignored when -Dtck.pid names a different PID
                if (sysPid == null || sysPid.equals(prof.getProperty("pid", "").trim())) {
                    merged.putAll(prof);
                    source = file;
                }
            }
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith(PREFIX) && !name.startsWith(PREFIX + "jar.")) {
                    String key = name.substring(PREFIX.length());
                    if (key.startsWith("port.") || key.startsWith("fixture.") || key.startsWith("hex.") || key.equals("profile")
                            || key.equals("work") || key.equals("tmp")) {
                        continue;
                    }
                    if (key.equals("config.a") || key.equals("config.b")) {
                        String end = key.substring("config.".length());
                        merged.stringPropertyNames().stream().filter(k -> k.startsWith(end + "."))
                                .forEach(merged::remove);
                        merged.put(FILE_MARK + end, System.getProperty(name)); // read in load(), after the fixture
                        continue;
                    }
                    merged.put(key, System.getProperty(name));
                }
            }
            merged.put(PREFIX + "source", source);
            return merged;
        }
    }

    /** The configuration of one end ({@code a.*} or {@code b.*}), types kept ({@code .config} files). */
    private static Map<String, Object> endConfig(Properties p, String end) {
        Map<String, Object> m = prefixed(p, end + ".");
        if (m.isEmpty()) {
            throw new IllegalArgumentException("no configuration for end " + end.toUpperCase()
                    + ": give " + end + ".<key>=<value> lines in the profile or -Dtck.config." + end + "=<file>");
        }
        return m;
    }

    private static Map<String, Object> prefixed(Properties p, String prefix, String... except) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(p.stringPropertyNames());
        // stringPropertyNames skips non-String values (typed .config values): walk keySet
        keys.clear();
        p.keySet().forEach(k -> keys.add(String.valueOf(k)));
        Collections.sort(keys);
        outer:
        for (String k : keys) {
            if (!k.startsWith(prefix)) {
                continue;
            }
            for (String x : except) {
                if (k.startsWith(x)) {
                    continue outer;
                }
            }
            m.put(k.substring(prefix.length()), p.get(k));
        }
        return m;
    }

    /** A {@code .config} file (typed values) or a plain properties file; placeholders expanded first. */
    static Map<String, Object> readConfigFile(String path) throws IOException {
        String text = expand(Files.readString(Path.of(path), StandardCharsets.UTF_8));
        Map<String, Object> out = new LinkedHashMap<>();
        if (path.endsWith(".config")) {
            // Felix ConfigAdmin's own reader (the format FileInstall deploys); found by reflection so that
            // the class is looked up wherever it is visible (class path outside, bundle inside)
            try {
                Class<?> handler = Class.forName("org.apache.felix.cm.file.ConfigurationHandler");
                Method read = handler.getMethod("read", java.io.InputStream.class);
                Dictionary<?, ?> d = (Dictionary<?, ?>) read.invoke(null,
                        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
                for (Enumeration<?> k = d.keys(); k.hasMoreElements();) {
                    Object key = k.nextElement();
                    out.put(String.valueOf(key), d.get(key));
                }
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new IOException("cannot parse " + path + " as a .config file (ConfigAdmin format; note D\"..\" "
                        + "holds a double's raw long bits, write \"50.0\" and let DS convert): " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IOException("cannot parse " + path + " as a .config file: " + e, e);
            }
        } else {
            Properties props = new Properties();
            props.load(new StringReader(text));
            props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
        }
        return out;
    }

    /** Expands {@code ${port:NAME}}, {@code ${tmp}}, {@code ${fixture:NAME}}, {@code ${sys:NAME}}. */
    static String expand(String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String kind = m.group(1);
            String name = m.group(2);
            String rep;
            switch (kind) {
                case "port":
                    rep = sharedValue(PREFIX + "port." + require(name, kind), Profile::freePort);
                    break;
                case "hex": {
                    // ${hex:NAME:BYTES}: random bytes as hex, the same for the same NAME (a pre-shared test key)
                    String[] nb = require(name, kind).split(":");
                    int bytes = nb.length > 1 ? Integer.parseInt(nb[1].trim()) : 32;
                    rep = sharedValue(PREFIX + "hex." + nb[0], () -> {
                        byte[] r = new byte[bytes];
                        new java.security.SecureRandom().nextBytes(r);
                        return java.util.HexFormat.of().formatHex(r);
                    });
                    break;
                }
                case "tmp":
                    rep = sharedValue(PREFIX + "tmp", Profile::tempDir);
                    break;
                case "fixture":
                    rep = System.getProperty(PREFIX + "fixture." + require(name, kind));
                    if (rep == null) {
                        throw new IllegalStateException("${fixture:" + name + "}: the fixture returned no such value "
                                + "(is -Dtck.fixture / fixture= set?)");
                    }
                    break;
                default:
                    rep = System.getProperty(require(name, kind));
                    if (rep == null || rep.startsWith("${")) {
                        throw new IllegalStateException("${sys:" + name + "}: system property not set");
                    }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(rep));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String require(String name, String kind) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("${" + kind + ":NAME} needs a name");
        }
        return name;
    }

    /** One value per name for the whole JVM (outside and inside the framework agree). */
    private static synchronized String sharedValue(String property, java.util.function.Supplier<String> make) {
        String v = System.getProperty(property);
        if (v == null) {
            v = make.get();
            System.setProperty(property, v);
        }
        return v;
    }

    private static String freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return Integer.toString(s.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e, e);
        }
    }

    private static String tempDir() {
        try {
            String work = System.getProperty(PREFIX + "work");
            Path base = work == null || work.startsWith("${") ? null : Files.createDirectories(Path.of(work));
            Path dir = base == null ? Files.createTempDirectory("tck-") : Files.createTempDirectory(base, "run-");
            return dir.toAbsolutePath().toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temp folder: " + e, e);
        }
    }

    /**
     * A bundle given as {@code mvn:group/artifact/version[/type[/classifier]]} (looked up in the
     * local Maven repository: the kit never downloads), a {@code file:} URL or a path.
     */
    static String resolveBundle(String spec) {
        File f;
        if (spec.startsWith("mvn:")) {
            String[] c = spec.substring(4).split("/");
            if (c.length < 3) {
                throw new IllegalArgumentException("Maven coordinates are mvn:group/artifact/version, got " + spec);
            }
            String type = c.length > 3 && !c[3].isEmpty() ? c[3] : "jar";
            String classifier = c.length > 4 ? "-" + c[4] : "";
            String repo = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
            if (repo == null || repo.isBlank() || repo.startsWith("${")) {
                repo = System.getProperty("user.home") + "/.m2/repository";
            }
            f = new File(repo, c[0].replace('.', '/') + "/" + c[1] + "/" + c[2] + "/" + c[1] + "-" + c[2]
                    + classifier + "." + type);
            if (!f.isFile()) {
                throw new IllegalStateException(spec + " is not in the local Maven repository (" + f
                        + "): install it first (mvn install in its project, or mvn dependency:get)");
            }
        } else {
            f = spec.startsWith("file:") ? new File(java.net.URI.create(spec)) : new File(spec);
            if (!f.isFile()) {
                throw new IllegalStateException("bundle " + spec + " is not a file: build it first");
            }
        }
        return f.getAbsolutePath();
    }

    public String driverLocation() {
        return new File(driver).toURI().toString();
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("the kit needs '" + key + "' (profile key, or -D" + PREFIX + key + ")");
        }
        return v.trim();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "profile " + source + ": driver " + driver + ", pid " + pid + ", link " + linkId + " (" + nodeA + ", "
                + nodeB + "), " + blocks + " blocks, timeout " + timeoutMillis + " ms";
    }
}
