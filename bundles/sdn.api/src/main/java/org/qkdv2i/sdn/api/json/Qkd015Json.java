package org.qkdv2i.sdn.api.json;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.qkdv2i.sdn.api.AppQos;
import org.qkdv2i.sdn.api.AppStatistic;
import org.qkdv2i.sdn.api.AppStatus;
import org.qkdv2i.sdn.api.AppType;
import org.qkdv2i.sdn.api.AttachmentPoint;
import org.qkdv2i.sdn.api.InterfaceCapabilities;
import org.qkdv2i.sdn.api.KeyPool;
import org.qkdv2i.sdn.api.LinkEndpoint;
import org.qkdv2i.sdn.api.LinkPerformance;
import org.qkdv2i.sdn.api.NodeCapabilities;
import org.qkdv2i.sdn.api.PhysPerf;
import org.qkdv2i.sdn.api.PhysPerfType;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdInterface;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdRoleType;
import org.qkdv2i.sdn.api.QkdTechnology;
import org.qkdv2i.sdn.api.QkdiStatus;
import org.qkdv2i.sdn.api.QkdlStatus;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.api.QkdnStatus;
import org.qkdv2i.sdn.api.RestconfError;
import org.qkdv2i.sdn.api.YangIdentity;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 7951 JSON codec of the ETSI GS QKD 015 node model, for whole documents and the
 * RESTCONF sub-resources under {@value #NODE_PATH}.
 *
 * <p>Writing follows RFC 7951 exactly: the top-level member is module-qualified
 * ({@code "etsi-qkd-sdn-node:qkd_node"}, {@code "etsi-qkd-sdn-node:qkd_link"}, ...), inner
 * members are the plain YANG leaf names, identityref values carry their module
 * ({@code "etsi-qkd-node-types:PHYS"}, §6.8), uint32 leaves are JSON numbers and decimal64
 * leaves are JSON strings with the YANG fraction digits (§6.1), date-and-time leaves are
 * RFC 3339 strings. A list entry ({@code qkd_link=<id>}) is written as a one-element array
 * (RFC 8040 §3.5.3, §4.5). The three lists of the node are written even when empty.
 *
 * <p>Reading accepts what public users send as well: a top-level member without the module
 * ({@code "qkd_links"}), identities without their module, a list entry as a bare object, a
 * single {@code virt_next_hop} string, a list entry wrapped in its container. A
 * {@linkplain #strict() strict} codec refuses members the model does not have
 * ({@code unknown-element}, as a RESTCONF server must for edits); a
 * {@linkplain #lenient() lenient} one ignores them (a controller reading agents of other
 * versions). Both refuse duplicate members, wrong types, out-of-range numbers and unknown
 * identities with a {@link Qkd015JsonException} naming the member.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Qkd015Json {

    /** The YANG module of the node model. */
    public static final String MODULE = "etsi-qkd-sdn-node";
    /** RESTCONF data resource of the node (RFC 8040 §3.3.1). */
    public static final String NODE_PATH = "/restconf/data/" + MODULE + ":qkd_node";
    /** The RESTCONF media type for JSON (RFC 8040 §11.3.2). */
    public static final String MEDIA_TYPE = "application/yang-data+json";

    /** The QKD-V2I augmentation module of {@code qkdl_performance} ({@code key_pool}, {@code driver_state}). */
    public static final String EXTENSION_MODULE = "qkdv2i-sdn";

    private static final String ERRORS = "ietf-restconf:errors";
    private static final String KEY_POOL = EXTENSION_MODULE + ":key_pool";
    private static final String DRIVER_STATE = EXTENSION_MODULE + ":driver_state";
    private static final int DECIMAL_DIGITS = 3; // every decimal64 leaf of the model has fraction-digits 3

    /** Strict parsing: duplicate members and trailing garbage are errors. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static final Qkd015Json STRICT = new Qkd015Json(true);
    private static final Qkd015Json LENIENT = new Qkd015Json(false);

    private final boolean strict;

    private Qkd015Json(boolean strict) {
        this.strict = strict;
    }

    /** A codec that refuses members the model does not define (for a server reading edits). */
    public static Qkd015Json strict() {
        return STRICT;
    }

    /** A codec that ignores members the model does not define (for a client reading servers). */
    public static Qkd015Json lenient() {
        return LENIENT;
    }

    // ------------------------------------------------------------------ documents

    /** {@code {"etsi-qkd-sdn-node:qkd_node": {...}}}. */
    public byte[] writeNode(QkdNode node) {
        return bytes(top("qkd_node", node(node)));
    }

    public QkdNode readNode(byte[] json) throws Qkd015JsonException {
        return new In(this, "").node(topMember(parse(json), "qkd_node"));
    }

    /** {@code {"etsi-qkd-sdn-node:qkd_links": {"qkd_link": [...]}}}. */
    public byte[] writeLinks(List<QkdLink> links) {
        return bytes(top("qkd_links", container("qkd_link", links, Qkd015Json::link)));
    }

    public List<QkdLink> readLinks(byte[] json) throws Qkd015JsonException {
        In in = new In(this, "/qkd_links");
        return in.links(in.object(topMember(parse(json), "qkd_links")));
    }

    /** One list entry: {@code {"etsi-qkd-sdn-node:qkd_link": [{...}]}}. */
    public byte[] writeLink(QkdLink link) {
        return bytes(top("qkd_link", F.arrayNode().add(link(link))));
    }

    /** One link, as written by {@link #writeLink}, as a bare object, or inside {@code qkd_links}. */
    public QkdLink readLink(byte[] json) throws Qkd015JsonException {
        return new In(this, "/qkd_link").link(entry(parse(json), "qkd_links", "qkd_link"));
    }

    /** {@code {"etsi-qkd-sdn-node:qkd_applications": {"qkd_app": [...]}}}. */
    public byte[] writeApps(List<QkdApp> apps) {
        return bytes(top("qkd_applications", container("qkd_app", apps, Qkd015Json::app)));
    }

    public List<QkdApp> readApps(byte[] json) throws Qkd015JsonException {
        In in = new In(this, "/qkd_applications");
        return in.apps(in.object(topMember(parse(json), "qkd_applications")));
    }

    /** One list entry: {@code {"etsi-qkd-sdn-node:qkd_app": [{...}]}}. */
    public byte[] writeApp(QkdApp app) {
        return bytes(top("qkd_app", F.arrayNode().add(app(app))));
    }

    public QkdApp readApp(byte[] json) throws Qkd015JsonException {
        return new In(this, "/qkd_app").app(entry(parse(json), "qkd_applications", "qkd_app"));
    }

    /** {@code {"etsi-qkd-sdn-node:qkd_interfaces": {"qkd_interface": [...]}}}. */
    public byte[] writeInterfaces(List<QkdInterface> interfaces) {
        return bytes(top("qkd_interfaces", container("qkd_interface", interfaces, Qkd015Json::iface)));
    }

    public List<QkdInterface> readInterfaces(byte[] json) throws Qkd015JsonException {
        In in = new In(this, "/qkd_interfaces");
        return in.interfaces(in.object(topMember(parse(json), "qkd_interfaces")));
    }

    /** One list entry: {@code {"etsi-qkd-sdn-node:qkd_interface": [{...}]}}. */
    public byte[] writeInterface(QkdInterface iface) {
        return bytes(top("qkd_interface", F.arrayNode().add(iface(iface))));
    }

    public QkdInterface readInterface(byte[] json) throws Qkd015JsonException {
        return new In(this, "/qkd_interface").iface(entry(parse(json), "qkd_interfaces", "qkd_interface"));
    }

    /** {@code {"etsi-qkd-sdn-node:qkdn_capabilities": {...}}}. */
    public byte[] writeCapabilities(NodeCapabilities capabilities) {
        return bytes(top("qkdn_capabilities", capabilities(capabilities)));
    }

    public NodeCapabilities readCapabilities(byte[] json) throws Qkd015JsonException {
        return new In(this, "/qkdn_capabilities").capabilities(topMember(parse(json), "qkdn_capabilities"));
    }

    /** RFC 8040 §7.1: {@code {"ietf-restconf:errors": {"error": [...]}}}. */
    public byte[] writeErrors(List<RestconfError> errors) {
        ArrayNode list = F.arrayNode();
        for (RestconfError e : errors) {
            ObjectNode o = list.addObject();
            o.put("error-type", e.errorType());
            o.put("error-tag", e.errorTag());
            putText(o, "error-app-tag", e.errorAppTag());
            putText(o, "error-path", e.errorPath());
            putText(o, "error-message", e.errorMessage());
        }
        ObjectNode root = F.objectNode();
        root.putObject(ERRORS).set("error", list);
        return bytes(root);
    }

    /** The errors of an RFC 8040 errors body (unknown members ignored). */
    public List<RestconfError> readErrors(byte[] json) throws Qkd015JsonException {
        JsonNode root = parse(json);
        JsonNode errors = root.get(ERRORS);
        In in = new In(LENIENT, "/" + ERRORS);
        JsonNode list = in.object(errors).get("error");
        List<RestconfError> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : in.array(list, "error")) {
            In at = in.at("error[" + i++ + "]");
            at.object(e);
            String type = at.text(e, "error-type");
            String tag = at.text(e, "error-tag");
            if (type == null || tag == null) {
                throw at.missing(type == null ? "error-type" : "error-tag");
            }
            out.add(new RestconfError(type, tag, at.text(e, "error-app-tag"), at.text(e, "error-path"),
                    at.text(e, "error-message")));
        }
        return out;
    }

    // ------------------------------------------------------------------ writing

    private static ObjectNode top(String name, JsonNode value) {
        ObjectNode root = F.objectNode();
        root.set(MODULE + ":" + name, value);
        return root;
    }

    private static <T> ObjectNode container(String listName, List<T> entries, Function<T, ObjectNode> encode) {
        ObjectNode c = F.objectNode();
        ArrayNode list = c.putArray(listName);
        for (T t : entries) {
            list.add(encode.apply(t));
        }
        return c;
    }

    private static ObjectNode node(QkdNode n) {
        ObjectNode o = F.objectNode();
        o.put("qkdn_id", n.qkdnId());
        putIdentity(o, "qkdn_status", n.qkdnStatus());
        putText(o, "qkdn_version", n.qkdnVersion());
        putText(o, "qkdn_location_id", n.qkdnLocationId());
        if (n.qkdnCapabilities() != null) {
            o.set("qkdn_capabilities", capabilities(n.qkdnCapabilities()));
        }
        o.set("qkd_applications", container("qkd_app", n.qkdApplications(), Qkd015Json::app));
        o.set("qkd_interfaces", container("qkd_interface", n.qkdInterfaces(), Qkd015Json::iface));
        o.set("qkd_links", container("qkd_link", n.qkdLinks(), Qkd015Json::link));
        return o;
    }

    private static ObjectNode capabilities(NodeCapabilities c) {
        ObjectNode o = F.objectNode();
        o.put("link_stats_support", c.linkStatsSupport());
        o.put("application_stats_support", c.applicationStatsSupport());
        o.put("key_relay_mode_enable", c.keyRelayModeEnable());
        return o;
    }

    private static ObjectNode iface(QkdInterface i) {
        ObjectNode o = F.objectNode();
        o.put("qkdi_id", i.qkdiId());
        putText(o, "qkdi_model", i.qkdiModel());
        putIdentity(o, "qkdi_type", i.qkdiType());
        if (i.qkdiAttPoint() != null) {
            ObjectNode a = o.putObject("qkdi_att_point");
            putText(a, "device", i.qkdiAttPoint().device());
            putUint32(a, "port", i.qkdiAttPoint().port());
        }
        if (i.qkdiCapabilities() != null) {
            ObjectNode c = o.putObject("qkdi_capabilities");
            putIdentity(c, "role_support", i.qkdiCapabilities().roleSupport());
            putText(c, "wavelength_range", i.qkdiCapabilities().wavelengthRange());
            putDecimal(c, "max_absorption", i.qkdiCapabilities().maxAbsorption());
        }
        putIdentity(o, "qkdi_status", i.qkdiStatus());
        return o;
    }

    private static ObjectNode link(QkdLink l) {
        ObjectNode o = F.objectNode();
        o.put("qkdl_id", l.qkdlId());
        putIdentity(o, "qkdl_status", l.qkdlStatus());
        if (l.qkdlEnable() != null) {
            o.put("qkdl_enable", l.qkdlEnable());
        }
        putEndpoint(o, "qkdl_local", l.qkdlLocal());
        putEndpoint(o, "qkdl_remote", l.qkdlRemote());
        putIdentity(o, "qkdl_type", l.qkdlType());
        putTexts(o, "qkdl_applications", l.qkdlApplications());
        putText(o, "virt_prev_hop", l.virtPrevHop());
        putTexts(o, "virt_next_hop", l.virtNextHop());
        putUint32(o, "virt_bandwidth", l.virtBandwidth());
        putDecimal(o, "phys_channel_att", l.physChannelAtt());
        putText(o, "phys_wavelength", l.physWavelength());
        putIdentity(o, "phys_qkd_role", l.physQkdRole());
        LinkPerformance p = l.qkdlPerformance();
        if (p != null) {
            ObjectNode po = o.putObject("qkdl_performance");
            putUint32(po, "expected_consumption", p.expectedConsumption());
            putUint32(po, "skr", p.skr());
            putUint32(po, "eskr", p.eskr());
            if (!p.physPerf().isEmpty()) {
                ArrayNode list = po.putArray("phys_perf");
                for (PhysPerf pp : p.physPerf()) {
                    ObjectNode e = list.addObject();
                    putIdentity(e, "perf_type", pp.perfType());
                    putDecimal(e, "value", pp.value());
                }
            }
            KeyPool pool = p.keyPool();
            if (pool != null) {
                // RFC 7951 §4: an augmenting module's member is qualified, its children are not
                ObjectNode k = po.putObject(KEY_POOL);
                k.put("own_keys", pool.ownKeys());
                k.put("peer_keys", pool.peerKeys());
                k.put("capacity", pool.capacity());
                k.put("key_bits", pool.keyBits());
            }
            putText(po, DRIVER_STATE, p.driverState());
        }
        return o;
    }

    private static ObjectNode app(QkdApp a) {
        ObjectNode o = F.objectNode();
        o.put("app_id", a.appId());
        putIdentity(o, "app_status", a.appStatus());
        putIdentity(o, "app_type", a.appType());
        putText(o, "server_app_id", a.serverAppId());
        putTexts(o, "client_app_id", a.clientAppId());
        putUint32(o, "app_priority", a.appPriority());
        putTime(o, "creation_time", a.creationTime());
        putTime(o, "expiration_time", a.expirationTime());
        if (!a.appStatistics().isEmpty()) {
            ArrayNode list = o.putObject("app_statistics").putArray("statistics");
            for (AppStatistic s : a.appStatistics()) {
                ObjectNode e = list.addObject();
                putTime(e, "end_time", s.endTime());
                putTime(e, "start_time", s.startTime());
                putUint32(e, "consumed_bits", s.consumedBits());
            }
        }
        AppQos q = a.appQos();
        if (q != null) {
            ObjectNode qo = o.putObject("app_qos");
            putUint32(qo, "max_bandwidth", q.maxBandwidth());
            putUint32(qo, "min_bandwidth", q.minBandwidth());
            putUint32(qo, "jitter", q.jitter());
            putUint32(qo, "ttl", q.ttl());
            if (q.clientsSharedPathEnable() != null) {
                qo.put("clients_shared_path_enable", q.clientsSharedPathEnable());
            }
            if (q.clientsSharedKeysRequired() != null) {
                qo.put("clients_shared_keys_required", q.clientsSharedKeysRequired());
            }
        }
        putTexts(o, "backing_qkdl_id", a.backingQkdlId());
        putText(o, "local_qkdn_id", a.localQkdnId());
        putText(o, "remote_qkdn_id", a.remoteQkdnId());
        return o;
    }

    private static void putEndpoint(ObjectNode o, String name, LinkEndpoint e) {
        if (e != null) {
            ObjectNode eo = o.putObject(name);
            putText(eo, "qkdn_id", e.qkdnId());
            putUint32(eo, "qkdi_id", e.qkdiId());
        }
    }

    private static void putText(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    /** A leaf-list; an empty one has no instance and is not written (RFC 7951 §5.3). */
    private static void putTexts(ObjectNode o, String name, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray(name);
            values.forEach(a::add);
        }
    }

    private static void putIdentity(ObjectNode o, String name, YangIdentity value) {
        if (value != null) {
            o.put(name, value.qualified()); // RFC 7951 §6.8: the identity's module differs from the leaf's
        }
    }

    private static void putUint32(ObjectNode o, String name, Long value) {
        if (value != null) {
            o.put(name, value.longValue()); // RFC 7951 §6.1: uint32 is a JSON number
        }
    }

    private static void putDecimal(ObjectNode o, String name, Double value) {
        if (value != null && Double.isFinite(value)) {
            // RFC 7951 §6.1: decimal64 is a JSON string
            o.put(name, BigDecimal.valueOf(value).setScale(DECIMAL_DIGITS, RoundingMode.HALF_EVEN).toPlainString());
        }
    }

    private static void putTime(ObjectNode o, String name, Instant value) {
        if (value != null) {
            o.put(name, value.toString()); // yang:date-and-time (RFC 3339, UTC 'Z')
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode JSON tree", e); // a tree of plain values always encodes
        }
    }

    // ------------------------------------------------------------------ reading

    private static JsonNode parse(byte[] json) throws Qkd015JsonException {
        if (json == null || json.length == 0) {
            throw new Qkd015JsonException("malformed-message", "", "empty document");
        }
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject()) {
                throw new Qkd015JsonException("malformed-message", "", "the document is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new Qkd015JsonException("malformed-message", "", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Qkd015JsonException("malformed-message", "", "unreadable document");
        }
    }

    /** The value of the top-level member {@code etsi-qkd-sdn-node:<name>} (or {@code <name>}). */
    private JsonNode topMember(JsonNode root, String name) throws Qkd015JsonException {
        JsonNode qualified = root.get(MODULE + ":" + name);
        JsonNode plain = root.get(name);
        if (qualified != null && plain != null) {
            throw new Qkd015JsonException("invalid-value", "", "both " + MODULE + ":" + name + " and " + name);
        }
        JsonNode value = qualified != null ? qualified : plain;
        if (value == null) {
            throw new Qkd015JsonException("missing-element", "", "expected the member \"" + MODULE + ":" + name + "\"");
        }
        if (strict && root.size() != 1) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!f.equals(MODULE + ":" + name) && !f.equals(name)) {
                    throw new Qkd015JsonException("unknown-element", "/" + f, "unknown top-level member");
                }
            }
        }
        return value;
    }

    /** One list entry: {@code {"m:list": [{..}]}}, {@code {"m:list": {..}}} or {@code {"m:container": {"list": [{..}]}}}. */
    private JsonNode entry(JsonNode root, String containerName, String listName) throws Qkd015JsonException {
        JsonNode value;
        if (root.has(MODULE + ":" + containerName) || root.has(containerName)) {
            JsonNode c = topMember(root, containerName);
            if (!c.isObject()) {
                throw new Qkd015JsonException("invalid-value", "/" + containerName, "expected an object");
            }
            value = c.get(listName);
            if (value == null) {
                throw new Qkd015JsonException("missing-element", "/" + containerName, "expected " + listName);
            }
        } else {
            value = topMember(root, listName);
        }
        if (value.isArray()) {
            if (value.size() != 1) {
                throw new Qkd015JsonException("invalid-value", "/" + listName,
                        "expected exactly one " + listName + " entry, got " + value.size());
            }
            value = value.get(0);
        }
        if (!value.isObject()) {
            throw new Qkd015JsonException("invalid-value", "/" + listName, "expected an object");
        }
        return value;
    }

    /** A reading position: the codec's strictness and the path for error messages. */
    private static final class In {
        private final Qkd015Json codec;
        private final String path;

        In(Qkd015Json codec, String path) {
            this.codec = codec;
            this.path = path;
        }

        In at(String child) {
            return new In(codec, path + "/" + child);
        }

        Qkd015JsonException invalid(String leaf, String message) {
            return new Qkd015JsonException("invalid-value", path + (leaf == null ? "" : "/" + leaf), message);
        }

        Qkd015JsonException missing(String leaf) {
            return new Qkd015JsonException("missing-element", path + "/" + leaf, "mandatory leaf missing");
        }

        JsonNode object(JsonNode n) throws Qkd015JsonException {
            if (n == null || !n.isObject()) {
                throw invalid(null, "expected a JSON object");
            }
            return n;
        }

        /** Refuses members the model does not have, in strict mode. */
        void known(JsonNode o, Set<String> names) throws Qkd015JsonException {
            if (!codec.strict) {
                return;
            }
            for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!names.contains(f)) {
                    throw new Qkd015JsonException("unknown-element", path + "/" + f,
                            "no such member in " + MODULE + " (or not writable here)");
                }
            }
        }

        Iterable<JsonNode> array(JsonNode n, String leaf) throws Qkd015JsonException {
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                throw invalid(leaf, "expected a JSON array");
            }
            return n;
        }

        String text(JsonNode o, String leaf) throws Qkd015JsonException {
            JsonNode n = o.get(leaf);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw invalid(leaf, "expected a string");
            }
            return n.textValue();
        }

        /** A leaf-list of strings; a lone string is taken as a one-element list. */
        List<String> texts(JsonNode o, String leaf) throws Qkd015JsonException {
            JsonNode n = o.get(leaf);
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (n.isTextual()) {
                return List.of(n.textValue());
            }
            if (!n.isArray()) {
                throw invalid(leaf, "expected an array of strings");
            }
            List<String> out = new ArrayList<>(n.size());
            Set<String> seen = new HashSet<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw invalid(leaf, "expected an array of strings");
                }
                if (!seen.add(e.textValue())) {
                    throw invalid(leaf, "duplicate value '" + e.textValue() + "' in a leaf-list");
                }
                out.add(e.textValue());
            }
            return out;
        }

        Boolean bool(JsonNode o, String leaf) throws Qkd015JsonException {
            JsonNode n = o.get(leaf);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isBoolean()) {
                throw invalid(leaf, "expected true or false");
            }
            return n.booleanValue();
        }

        /** uint32: a JSON number (RFC 7951 §6.1); a string of digits is accepted too. */
        Long uint32(JsonNode o, String leaf) throws Qkd015JsonException {
            JsonNode n = o.get(leaf);
            if (n == null || n.isNull()) {
                return null;
            }
            BigInteger v;
            if (n.isIntegralNumber()) {
                v = n.bigIntegerValue();
            } else if (n.isTextual() && n.textValue().matches("[0-9]{1,19}")) {
                v = new BigInteger(n.textValue());
            } else {
                throw invalid(leaf, "expected an unsigned 32-bit integer");
            }
            if (v.signum() < 0 || v.bitLength() > 32) {
                throw invalid(leaf, "out of the uint32 range 0..4294967295: " + v);
            }
            return v.longValue();
        }

        /** decimal64: a JSON string (RFC 7951 §6.1); a JSON number is accepted too. */
        Double decimal(JsonNode o, String leaf) throws Qkd015JsonException {
            JsonNode n = o.get(leaf);
            if (n == null || n.isNull()) {
                return null;
            }
            try {
                if (n.isNumber()) {
                    return n.decimalValue().doubleValue();
                }
                if (n.isTextual() && n.textValue().matches("[+-]?[0-9]+(\\.[0-9]+)?")) {
                    return new BigDecimal(n.textValue()).doubleValue();
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw invalid(leaf, "expected a decimal number");
        }

        <E extends Enum<E> & YangIdentity> E identity(JsonNode o, String leaf, Class<E> type)
                throws Qkd015JsonException {
            String v = text(o, leaf);
            if (v == null) {
                return null;
            }
            try {
                return YangIdentity.parse(type, v);
            } catch (IllegalArgumentException e) {
                throw invalid(leaf, e.getMessage());
            }
        }

        Instant time(JsonNode o, String leaf) throws Qkd015JsonException {
            String v = text(o, leaf);
            if (v == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                throw invalid(leaf, "expected an RFC 3339 date-and-time, e.g. 2026-01-01T00:00:00Z");
            }
        }

        QkdNode node(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, NODE_MEMBERS);
            String id = text(n, "qkdn_id");
            if (id == null || id.isBlank()) {
                throw missing("qkdn_id");
            }
            JsonNode caps = n.get("qkdn_capabilities");
            JsonNode apps = n.get("qkd_applications");
            JsonNode ifaces = n.get("qkd_interfaces");
            JsonNode links = n.get("qkd_links");
            return build(() -> new QkdNode(id, identity(n, "qkdn_status", QkdnStatus.class), text(n, "qkdn_version"),
                    text(n, "qkdn_location_id"), caps == null ? null : at("qkdn_capabilities").capabilities(caps),
                    apps == null ? List.of() : at("qkd_applications").apps(at("qkd_applications").object(apps)),
                    ifaces == null ? List.of()
                            : at("qkd_interfaces").interfaces(at("qkd_interfaces").object(ifaces)),
                    links == null ? List.of() : at("qkd_links").links(at("qkd_links").object(links))));
        }

        NodeCapabilities capabilities(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, CAPABILITY_MEMBERS);
            Boolean links = bool(n, "link_stats_support");
            Boolean apps = bool(n, "application_stats_support");
            Boolean relay = bool(n, "key_relay_mode_enable");
            // YANG defaults: true
            return new NodeCapabilities(links == null || links, apps == null || apps, relay == null || relay);
        }

        List<QkdLink> links(JsonNode container) throws Qkd015JsonException {
            known(container, Set.of("qkd_link"));
            List<QkdLink> out = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            int i = 0;
            for (JsonNode e : array(container.get("qkd_link"), "qkd_link")) {
                QkdLink l = at("qkd_link[" + i++ + "]").link(e);
                if (!ids.add(l.qkdlId())) {
                    throw invalid("qkd_link", "duplicate qkdl_id " + l.qkdlId());
                }
                out.add(l);
            }
            return out;
        }

        List<QkdApp> apps(JsonNode container) throws Qkd015JsonException {
            known(container, Set.of("qkd_app"));
            List<QkdApp> out = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            int i = 0;
            for (JsonNode e : array(container.get("qkd_app"), "qkd_app")) {
                QkdApp a = at("qkd_app[" + i++ + "]").app(e);
                if (!ids.add(a.appId())) {
                    throw invalid("qkd_app", "duplicate app_id " + a.appId());
                }
                out.add(a);
            }
            return out;
        }

        List<QkdInterface> interfaces(JsonNode container) throws Qkd015JsonException {
            known(container, Set.of("qkd_interface"));
            List<QkdInterface> out = new ArrayList<>();
            Set<Long> ids = new HashSet<>();
            int i = 0;
            for (JsonNode e : array(container.get("qkd_interface"), "qkd_interface")) {
                QkdInterface q = at("qkd_interface[" + i++ + "]").iface(e);
                if (!ids.add(q.qkdiId())) {
                    throw invalid("qkd_interface", "duplicate qkdi_id " + q.qkdiId());
                }
                out.add(q);
            }
            return out;
        }

        QkdLink link(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, LINK_MEMBERS);
            String id = text(n, "qkdl_id");
            if (id == null || id.isBlank()) {
                throw missing("qkdl_id");
            }
            JsonNode perf = n.get("qkdl_performance");
            return build(() -> new QkdLink(id, identity(n, "qkdl_status", QkdlStatus.class), bool(n, "qkdl_enable"),
                    at("qkdl_local").endpoint(n.get("qkdl_local")), at("qkdl_remote").endpoint(n.get("qkdl_remote")),
                    identity(n, "qkdl_type", QkdlType.class), texts(n, "qkdl_applications"), text(n, "virt_prev_hop"),
                    texts(n, "virt_next_hop"), uint32(n, "virt_bandwidth"), decimal(n, "phys_channel_att"),
                    wavelength(n), identity(n, "phys_qkd_role", QkdRoleType.class),
                    perf == null ? null : at("qkdl_performance").performance(perf)));
        }

        private String wavelength(JsonNode n) throws Qkd015JsonException {
            JsonNode w = n.get("phys_wavelength");
            if (w != null && w.isIntegralNumber()) {
                return w.asText(); // typedef wavelength is a string of digits; some send a number
            }
            return text(n, "phys_wavelength");
        }

        LinkEndpoint endpoint(JsonNode n) throws Qkd015JsonException {
            if (n == null || n.isNull()) {
                return null;
            }
            object(n);
            known(n, Set.of("qkdn_id", "qkdi_id"));
            return build(() -> new LinkEndpoint(text(n, "qkdn_id"), uint32(n, "qkdi_id")));
        }

        LinkPerformance performance(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, Set.of("expected_consumption", "skr", "eskr", "phys_perf", KEY_POOL, DRIVER_STATE));
            List<PhysPerf> perf = new ArrayList<>();
            Set<PhysPerfType> types = new HashSet<>();
            int i = 0;
            for (JsonNode e : array(n.get("phys_perf"), "phys_perf")) {
                In at = at("phys_perf[" + i++ + "]");
                at.object(e);
                at.known(e, Set.of("perf_type", "value"));
                PhysPerfType type = at.identity(e, "perf_type", PhysPerfType.class);
                Double value = at.decimal(e, "value");
                if (type == null) {
                    throw at.missing("perf_type");
                }
                if (!types.add(type)) {
                    throw invalid("phys_perf", "duplicate perf_type " + type.qualified());
                }
                if (value != null) {
                    perf.add(new PhysPerf(type, value));
                }
            }
            JsonNode pool = n.get(KEY_POOL);
            return build(() -> new LinkPerformance(uint32(n, "expected_consumption"), uint32(n, "skr"),
                    uint32(n, "eskr"), perf, pool == null ? null : at(KEY_POOL).keyPool(pool), text(n, DRIVER_STATE)));
        }

        KeyPool keyPool(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, Set.of("own_keys", "peer_keys", "capacity", "key_bits"));
            Long own = uint32(n, "own_keys");
            Long peer = uint32(n, "peer_keys");
            Long capacity = uint32(n, "capacity");
            Long bits = uint32(n, "key_bits");
            return build(() -> new KeyPool(own == null ? 0 : own, peer == null ? 0 : peer,
                    capacity == null ? 0 : capacity, bits == null ? 0 : bits.intValue()));
        }

        QkdApp app(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, APP_MEMBERS);
            String id = text(n, "app_id");
            if (id == null || id.isBlank()) {
                throw missing("app_id");
            }
            JsonNode stats = n.get("app_statistics");
            JsonNode qos = n.get("app_qos");
            return build(() -> new QkdApp(id, identity(n, "app_status", AppStatus.class),
                    identity(n, "app_type", AppType.class), text(n, "server_app_id"), texts(n, "client_app_id"),
                    uint32(n, "app_priority"), time(n, "creation_time"), time(n, "expiration_time"),
                    stats == null ? List.of() : at("app_statistics").statistics(stats),
                    qos == null ? null : at("app_qos").qos(qos), texts(n, "backing_qkdl_id"),
                    text(n, "local_qkdn_id"), text(n, "remote_qkdn_id")));
        }

        List<AppStatistic> statistics(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, Set.of("statistics"));
            List<AppStatistic> out = new ArrayList<>();
            int i = 0;
            for (JsonNode e : array(n.get("statistics"), "statistics")) {
                In at = at("statistics[" + i++ + "]");
                at.object(e);
                at.known(e, Set.of("end_time", "start_time", "consumed_bits"));
                Instant end = at.time(e, "end_time");
                if (end == null) {
                    throw at.missing("end_time");
                }
                out.add(at.build(() -> new AppStatistic(end, at.time(e, "start_time"), at.uint32(e, "consumed_bits"))));
            }
            return out;
        }

        AppQos qos(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, QOS_MEMBERS);
            return build(() -> new AppQos(uint32(n, "max_bandwidth"), uint32(n, "min_bandwidth"), uint32(n, "jitter"),
                    uint32(n, "ttl"), bool(n, "clients_shared_path_enable"), bool(n, "clients_shared_keys_required")));
        }

        QkdInterface iface(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, INTERFACE_MEMBERS);
            Long id = uint32(n, "qkdi_id");
            if (id == null) {
                throw missing("qkdi_id");
            }
            JsonNode att = n.get("qkdi_att_point");
            JsonNode caps = n.get("qkdi_capabilities");
            return build(() -> new QkdInterface(id, text(n, "qkdi_model"), identity(n, "qkdi_type", QkdTechnology.class),
                    att == null ? null : at("qkdi_att_point").attachment(att),
                    caps == null ? null : at("qkdi_capabilities").ifaceCapabilities(caps),
                    identity(n, "qkdi_status", QkdiStatus.class)));
        }

        AttachmentPoint attachment(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, Set.of("device", "port"));
            return build(() -> new AttachmentPoint(text(n, "device"), uint32(n, "port")));
        }

        InterfaceCapabilities ifaceCapabilities(JsonNode n) throws Qkd015JsonException {
            object(n);
            known(n, Set.of("role_support", "wavelength_range", "max_absorption"));
            return build(() -> new InterfaceCapabilities(identity(n, "role_support", QkdRoleType.class),
                    text(n, "wavelength_range"), decimal(n, "max_absorption")));
        }

        /** Runs a record constructor; its own checks (IllegalArgumentException) become invalid-value here. */
        <T> T build(Builder<T> b) throws Qkd015JsonException {
            try {
                return b.build();
            } catch (IllegalArgumentException | NullPointerException e) {
                throw invalid(null, String.valueOf(e.getMessage()));
            }
        }
    }

    @FunctionalInterface
    private interface Builder<T> {
        T build() throws Qkd015JsonException;
    }

    private static final Set<String> NODE_MEMBERS = Set.of("qkdn_id", "qkdn_status", "qkdn_version",
            "qkdn_location_id", "qkdn_capabilities", "qkd_applications", "qkd_interfaces", "qkd_links");
    private static final Set<String> CAPABILITY_MEMBERS = Set.of("link_stats_support", "application_stats_support",
            "key_relay_mode_enable");
    private static final Set<String> LINK_MEMBERS = Set.of("qkdl_id", "qkdl_status", "qkdl_enable", "qkdl_local",
            "qkdl_remote", "qkdl_type", "qkdl_applications", "virt_prev_hop", "virt_next_hop", "virt_bandwidth",
            "phys_channel_att", "phys_wavelength", "phys_qkd_role", "qkdl_performance");
    private static final Set<String> APP_MEMBERS = Set.of("app_id", "app_status", "app_type", "server_app_id",
            "client_app_id", "app_priority", "creation_time", "expiration_time", "app_statistics", "app_qos",
            "backing_qkdl_id", "local_qkdn_id", "remote_qkdn_id");
    private static final Set<String> QOS_MEMBERS = Set.of("max_bandwidth", "min_bandwidth", "jitter", "ttl",
            "clients_shared_path_enable", "clients_shared_keys_required");
    private static final Set<String> INTERFACE_MEMBERS = Set.of("qkdi_id", "qkdi_model", "qkdi_type",
            "qkdi_att_point", "qkdi_capabilities", "qkdi_status");
}
