package org.qkdv2i.v2x.codec.internal;

import static org.qkdv2i.v2x.codec.internal.ItsContainerUper.*;

import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.v2x.api.message.ActionId;
import org.qkdv2i.v2x.api.message.AlacarteContainer;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.Denm;
import org.qkdv2i.v2x.api.message.EventPoint;
import org.qkdv2i.v2x.api.message.Heading;
import org.qkdv2i.v2x.api.message.ItsPduHeader;
import org.qkdv2i.v2x.api.message.LocationContainer;
import org.qkdv2i.v2x.api.message.ManagementContainer;
import org.qkdv2i.v2x.api.message.PathPoint;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.RelevanceDistance;
import org.qkdv2i.v2x.api.message.RelevanceTrafficDirection;
import org.qkdv2i.v2x.api.message.RoadType;
import org.qkdv2i.v2x.api.message.SituationContainer;
import org.qkdv2i.v2x.api.message.Speed;
import org.qkdv2i.v2x.api.message.Termination;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/** UPER of {@code DENM} as EN 302 637-3 v1.3.1 Annex A (DENM-PDU-Descriptions version 2) defines it. */
final class DenmUper {
    private static final Termination[] TERMINATIONS = Termination.values();
    private static final RelevanceDistance[] DISTANCES = RelevanceDistance.values();
    private static final RelevanceTrafficDirection[] DIRECTIONS = RelevanceTrafficDirection.values();
    private static final RoadType[] ROAD_TYPES = RoadType.values();

    private static final String HDR = "denm.header";
    private static final String MSG = "denm.denm";
    private static final String MGMT = MSG + ".management";
    private static final String SIT = MSG + ".situation";
    private static final String LOC = MSG + ".location";

    private DenmUper() {
    }

    static void encode(BitWriter w, Denm denm) {
        encodeHeader(w, denm.header());
        // DecentralizedEnvironmentalNotificationMessage: not extensible; situation, location, alacarte OPTIONAL
        w.bit(denm.situation() != null);
        w.bit(denm.location() != null);
        w.bit(denm.alacarte() != null);
        encodeManagement(w, denm.management());
        if (denm.situation() != null) {
            encodeSituation(w, denm.situation());
        }
        if (denm.location() != null) {
            encodeLocation(w, denm.location());
        }
        if (denm.alacarte() != null) {
            AlacarteUper.encode(w, denm.alacarte());
        }
    }

    private static void encodeManagement(BitWriter w, ManagementContainer m) {
        w.bit(false); // extension bit
        w.bit(m.termination() != null);
        w.bit(m.relevanceDistance() != null);
        w.bit(m.relevanceTrafficDirection() != null);
        w.bit(m.validityDuration() != null); // DEFAULT defaultValidity: sent only when given
        w.bit(m.transmissionInterval() != null);
        encodeActionId(w, m.actionId());
        w.constrained(m.detectionTime(), 0, TIMESTAMP_ITS_MAX, "detectionTime");
        w.constrained(m.referenceTime(), 0, TIMESTAMP_ITS_MAX, "referenceTime");
        if (m.termination() != null) {
            encodeEnum(w, m.termination(), TERMINATIONS.length, "termination");
        }
        encodeReferencePosition(w, m.eventPosition());
        if (m.relevanceDistance() != null) {
            encodeEnum(w, m.relevanceDistance(), DISTANCES.length, "relevanceDistance");
        }
        if (m.relevanceTrafficDirection() != null) {
            encodeEnum(w, m.relevanceTrafficDirection(), DIRECTIONS.length, "relevanceTrafficDirection");
        }
        if (m.validityDuration() != null) {
            w.constrained(m.validityDuration(), 0, 86400, "validityDuration");
        }
        if (m.transmissionInterval() != null) {
            w.constrained(m.transmissionInterval(), 1, 10000, "transmissionInterval");
        }
        w.constrained(m.stationType(), 0, 255, "stationType");
    }

    private static void encodeSituation(BitWriter w, SituationContainer s) {
        w.bit(false); // extension bit
        w.bit(s.linkedCause() != null);
        w.bit(!s.eventHistory().isEmpty());
        w.constrained(s.informationQuality(), 0, 7, "informationQuality");
        encodeCauseCode(w, s.eventType());
        if (s.linkedCause() != null) {
            encodeCauseCode(w, s.linkedCause());
        }
        if (!s.eventHistory().isEmpty()) {
            // EventHistory ::= SEQUENCE (SIZE(1..23)) OF EventPoint
            w.constrained(s.eventHistory().size(), 1, 23, "eventHistory size");
            for (EventPoint p : s.eventHistory()) {
                w.bit(p.eventDeltaTime() != null);
                encodeDeltaReferencePosition(w, p.eventPosition());
                if (p.eventDeltaTime() != null) {
                    encodePathDeltaTime(w, p.eventDeltaTime());
                }
                w.constrained(p.informationQuality(), 0, 7, "informationQuality");
            }
        }
    }

    private static void encodeLocation(BitWriter w, LocationContainer l) {
        w.bit(false); // extension bit
        w.bit(l.eventSpeed() != null);
        w.bit(l.eventPositionHeading() != null);
        w.bit(l.roadType() != null);
        if (l.eventSpeed() != null) {
            encodeSpeed(w, l.eventSpeed());
        }
        if (l.eventPositionHeading() != null) {
            encodeHeading(w, l.eventPositionHeading());
        }
        // Traces ::= SEQUENCE SIZE(1..7) OF PathHistory
        w.constrained(l.traces().size(), 1, 7, "traces size");
        for (List<PathPoint> trace : l.traces()) {
            encodePathHistory(w, trace);
        }
        if (l.roadType() != null) {
            encodeEnum(w, l.roadType(), ROAD_TYPES.length, "roadType");
        }
    }

    static Denm decode(BitReader r) {
        ItsPduHeader header = decodeHeader(r, HDR);
        if (header.messageId() != ItsPduHeader.MESSAGE_ID_DENM || header.protocolVersion() != 2) {
            throw r.fail(Kind.UNEXPECTED_MESSAGE, HDR, null, 0, "protocolVersion " + header.protocolVersion()
                    + ", messageID " + header.messageId() + ": not a DENM of protocol version 2");
        }
        boolean hasSituation = r.bit(MSG, "situation present");
        boolean hasLocation = r.bit(MSG, "location present");
        boolean hasAlacarte = r.bit(MSG, "alacarte present");
        ManagementContainer management = decodeManagement(r);
        SituationContainer situation = hasSituation ? decodeSituation(r) : null;
        LocationContainer location = hasLocation ? decodeLocation(r) : null;
        AlacarteContainer alacarte = hasAlacarte ? AlacarteUper.decode(r) : null;
        return new Denm(header, management, situation, location, alacarte);
    }

    private static ManagementContainer decodeManagement(BitReader r) {
        boolean ext = r.bit(MGMT, "extension bit");
        boolean hasTermination = r.bit(MGMT, "termination present");
        boolean hasDistance = r.bit(MGMT, "relevanceDistance present");
        boolean hasDirection = r.bit(MGMT, "relevanceTrafficDirection present");
        boolean hasValidity = r.bit(MGMT, "validityDuration present");
        boolean hasInterval = r.bit(MGMT, "transmissionInterval present");
        ActionId actionId = decodeActionId(r, MGMT + ".actionID");
        long detection = r.constrained(0, TIMESTAMP_ITS_MAX, MGMT, "detectionTime");
        long reference = r.constrained(0, TIMESTAMP_ITS_MAX, MGMT, "referenceTime");
        Termination termination = hasTermination ? decodeEnum(r, TERMINATIONS, MGMT, "termination") : null;
        ReferencePosition position = decodeReferencePosition(r, MGMT + ".eventPosition");
        RelevanceDistance distance = hasDistance ? decodeEnum(r, DISTANCES, MGMT, "relevanceDistance") : null;
        RelevanceTrafficDirection direction = hasDirection
                ? decodeEnum(r, DIRECTIONS, MGMT, "relevanceTrafficDirection")
                : null;
        Integer validity = hasValidity ? r.constrainedInt(0, 86400, MGMT, "validityDuration") : null;
        Integer interval = hasInterval ? r.constrainedInt(1, 10000, MGMT, "transmissionInterval") : null;
        int stationType = r.constrainedInt(0, 255, MGMT, "stationType");
        if (ext) {
            r.skipExtensionAdditions(MGMT);
        }
        return new ManagementContainer(actionId, detection, reference, termination, position, distance, direction,
                validity, interval, stationType);
    }

    private static SituationContainer decodeSituation(BitReader r) {
        boolean ext = r.bit(SIT, "extension bit");
        boolean hasLinked = r.bit(SIT, "linkedCause present");
        boolean hasHistory = r.bit(SIT, "eventHistory present");
        int quality = r.constrainedInt(0, 7, SIT, "informationQuality");
        CauseCode eventType = decodeCauseCode(r, SIT + ".eventType");
        CauseCode linked = hasLinked ? decodeCauseCode(r, SIT + ".linkedCause") : null;
        List<EventPoint> history = new ArrayList<>();
        if (hasHistory) {
            String ctx = SIT + ".eventHistory";
            int n = r.constrainedInt(1, 23, ctx, "size");
            for (int i = 0; i < n; i++) {
                boolean hasTime = r.bit(ctx, "eventDeltaTime present");
                var pos = decodeDeltaReferencePosition(r, ctx + ".eventPosition");
                Integer time = hasTime ? decodePathDeltaTime(r, ctx, "eventDeltaTime") : null;
                history.add(new EventPoint(pos, time, r.constrainedInt(0, 7, ctx, "informationQuality")));
            }
        }
        if (ext) {
            r.skipExtensionAdditions(SIT);
        }
        return new SituationContainer(quality, eventType, linked, history);
    }

    private static LocationContainer decodeLocation(BitReader r) {
        boolean ext = r.bit(LOC, "extension bit");
        boolean hasSpeed = r.bit(LOC, "eventSpeed present");
        boolean hasHeading = r.bit(LOC, "eventPositionHeading present");
        boolean hasRoadType = r.bit(LOC, "roadType present");
        Speed speed = hasSpeed ? decodeSpeed(r, LOC + ".eventSpeed") : null;
        Heading heading = hasHeading ? decodeHeading(r, LOC + ".eventPositionHeading") : null;
        int n = r.constrainedInt(1, 7, LOC + ".traces", "size");
        List<List<PathPoint>> traces = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            traces.add(decodePathHistory(r, LOC + ".traces.pathHistory"));
        }
        RoadType roadType = hasRoadType ? decodeEnum(r, ROAD_TYPES, LOC, "roadType") : null;
        if (ext) {
            r.skipExtensionAdditions(LOC);
        }
        return new LocationContainer(speed, heading, traces, roadType);
    }
}
