package org.qkdv2i.dpn.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * The DPN micro-segmentation policy (paper §3-4): which pairs of DAUs may form sessions.
 * Immutable; evaluated by both ends on every session set-up.
 *
 * <ul>
 * <li>{@code allow}: role rules, {@code A>B} (a device of role A may open sessions to
 * role B) or {@code A<>B} (either way); a pair no rule covers is denied.</li>
 * <li>{@code sameZoneOnly}: both devices must be in the same zone.</li>
 * <li>{@code allowList}: if not empty, the remote peer's device ID must be on it.</li>
 * <li>{@code denyList}: device IDs that never get a session, whatever the rules say.</li>
 * </ul>
 * Segments are the zones: a session inside one zone belongs to that zone's segment; a
 * session across zones to the segment {@code lowerZone|higherZone}.
 */
final class Policy {

    static final String DEFAULT_ALLOW = "BASE_STATION<>BASE_STATION, BASE_STATION>RSU, RSU>VEHICLE";

    record Rule(DeviceRole from, DeviceRole to, boolean bothWays) {
        boolean covers(DeviceRole initiator, DeviceRole responder) {
            return (from == initiator && to == responder) || (bothWays && from == responder && to == initiator);
        }

        @Override
        public String toString() {
            return from + (bothWays ? "<>" : ">") + to;
        }
    }

    /** The outcome and the rule that decided it (for the log line). */
    record Decision(boolean allowed, String rule) {
    }

    private final List<Rule> rules;
    private final boolean sameZoneOnly;
    private final Set<DeviceId> allowList;
    private final Set<DeviceId> denyList;
    private final String invalid;

    private Policy(List<Rule> rules, boolean sameZoneOnly, Set<DeviceId> allowList, Set<DeviceId> denyList,
            String invalid) {
        this.rules = List.copyOf(rules);
        this.sameZoneOnly = sameZoneOnly;
        this.allowList = Set.copyOf(allowList);
        this.denyList = Set.copyOf(denyList);
        this.invalid = invalid;
    }

    static Policy defaults() {
        return parse(new String[] {DEFAULT_ALLOW}, false, new String[0], new String[0]);
    }

    /**
     * Parses the configuration; entries of {@code allow} may themselves be comma-separated.
     *
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    static Policy parse(String[] allow, boolean sameZoneOnly, String[] allowList, String[] denyList) {
        List<Rule> rules = new ArrayList<>();
        for (String entry : nonNull(allow)) {
            for (String raw : entry.split(",")) {
                String r = raw.trim();
                if (r.isEmpty()) {
                    continue;
                }
                boolean both = r.contains("<>");
                String[] parts = both ? r.split("<>", -1) : r.split(">", -1);
                if (parts.length != 2) {
                    throw new IllegalArgumentException("allow rule '" + r + "': write ROLE>ROLE or ROLE<>ROLE");
                }
                rules.add(new Rule(role(parts[0], r), role(parts[1], r), both));
            }
        }
        return new Policy(rules, sameZoneOnly, ids(allowList, "allowList"), ids(denyList, "denyList"), null);
    }

    /** A policy that denies everything, used while the configuration is invalid. */
    static Policy denyAll(String why) {
        return new Policy(List.of(), false, Set.of(), Set.of(), why);
    }

    /**
     * Evaluates a set-up from {@code initiator} to {@code responder} at the end that is
     * the initiator if {@code localIsInitiator} (the allow list names the remote peers).
     */
    Decision check(IdentityRecord initiator, IdentityRecord responder, boolean localIsInitiator) {
        if (invalid != null) {
            return new Decision(false, "policy configuration invalid (" + invalid + ")");
        }
        if (denyList.contains(initiator.id()) || denyList.contains(responder.id())) {
            return new Decision(false, "denyList");
        }
        IdentityRecord remote = localIsInitiator ? responder : initiator;
        if (!allowList.isEmpty() && !allowList.contains(remote.id())) {
            return new Decision(false, "allowList");
        }
        if (sameZoneOnly && !initiator.zone().equals(responder.zone())) {
            return new Decision(false, "sameZoneOnly (" + initiator.zone() + " vs " + responder.zone() + ")");
        }
        for (Rule rule : rules) {
            if (rule.covers(initiator.role(), responder.role())) {
                return new Decision(true, "allow " + rule);
            }
        }
        return new Decision(false, "no allow rule for " + initiator.role() + ">" + responder.role());
    }

    /** The micro-segment of a session between the two devices. */
    static String segment(IdentityRecord a, IdentityRecord b) {
        String za = a.zone();
        String zb = b.zone();
        if (za.equals(zb)) {
            return za;
        }
        return za.compareTo(zb) < 0 ? za + "|" + zb : zb + "|" + za;
    }

    @Override
    public String toString() {
        if (invalid != null) {
            return "Policy[deny all: " + invalid + "]";
        }
        return "Policy[allow=" + rules + ", sameZoneOnly=" + sameZoneOnly + ", allowList=" + allowList.size()
                + " IDs, denyList=" + denyList.size() + " IDs]";
    }

    private static DeviceRole role(String s, String rule) {
        try {
            return DeviceRole.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("allow rule '" + rule + "': unknown role '" + s.trim() + "' (one of "
                    + java.util.Arrays.toString(DeviceRole.values()) + ")");
        }
    }

    private static Set<DeviceId> ids(String[] values, String what) {
        Set<DeviceId> out = new LinkedHashSet<>();
        for (String entry : nonNull(values)) {
            for (String raw : entry.split(",")) {
                String v = raw.trim();
                if (v.isEmpty()) {
                    continue;
                }
                try {
                    out.add(new DeviceId(v.toLowerCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(what + ": '" + v + "' is not a device ID (32 hex digits)");
                }
            }
        }
        return out;
    }

    private static String[] nonNull(String[] a) {
        return a == null ? new String[0] : a;
    }
}
