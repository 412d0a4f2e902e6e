package org.qkdv2i.v2x.cv2x.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Factory PID {@code org.qkdv2i.v2x.cv2x.Stack}: one V2X stack on one C-V2X PC5 radio. */
@ObjectClassDefinition(name = "V2X C-V2X PC5 stack", description = "ETSI ITS (CAM/DENM over BTP/GeoNetworking) or "
        + "US (BSM over WSMP) in PC5 non-IP frames (TS 24.386) on a sidelink radio")
@interface Cv2xStackConfig {
    @AttributeDefinition(name = "Stack name", description = "v2x.stack service property, unique within the node")
    String v2x_stack();

    @AttributeDefinition(name = "Profile", options = {@Option(value = "EU", label = "ETSI ITS (CAM/DENM)"),
            @Option(value = "US", label = "US WAVE/DSRC (BSM)")})
    String v2x_profile() default "EU";

    @AttributeDefinition(name = "Radio filter", description = "LDAP filter selecting the Radio service, "
            + "e.g. (&(radio.technology=CV2X_PC5)(radio.id=obu1))")
    String radio_target() default "(radio.technology=CV2X_PC5)";

    @AttributeDefinition(name = "Radio ID", description = "informational radio.id service property of this stack; "
            + "make radio.target select the same radio", required = false)
    String radio_id() default "";

    @AttributeDefinition(name = "Station state filter", description = "LDAP filter selecting the StationStateProvider")
    String stationState_target() default "(objectClass=*)";

    @AttributeDefinition(name = "Station ID", description = "ITS station ID 0..4294967295 (CAM/DENM header, BSM temporary ID)")
    long stationId();

    @AttributeDefinition(name = "Station type", description = "TS 102 894-2 station type, 5 passenger car, 15 RSU")
    int stationType() default 5;

    @AttributeDefinition(name = "Security of generated messages", options = {@Option(value = "UNSECURED", label = "unsecured"),
            @Option(value = "SIGNED", label = "ECDSA P-256 with the authorization ticket")})
    String security() default "UNSECURED";

    @AttributeDefinition(name = "Accept unsecured", description = "deliver received messages that carry no security")
    boolean acceptUnsecured() default true;

    @AttributeDefinition(name = "Generate", description = "generate CAMs (EU) or BSMs (US) from the station state")
    boolean generate() default true;

    @AttributeDefinition(name = "Ticket certificate", description = "COER authorization ticket file (SIGNED)", required = false)
    String signing_certificate() default "";

    @AttributeDefinition(name = "Ticket key", description = "QV2XKEY1 encrypted private key file (SIGNED)", required = false)
    String signing_key() default "";

    @AttributeDefinition(name = "Ticket key password", type = AttributeType.PASSWORD, required = false)
    String _signing_password() default "";

    @AttributeDefinition(name = "Trusted roots", description = "COER root CA certificate files", required = false)
    String[] trust_roots() default {};

    @AttributeDefinition(name = "Known authorities", description = "COER authority certificate files", required = false)
    String[] trust_certificates() default {};

    @AttributeDefinition(name = "T_GenCamMin (ms)", description = "EN 302 637-2: 100")
    long camMinMillis() default 100;

    @AttributeDefinition(name = "T_GenCamMax (ms)", description = "EN 302 637-2: 1000")
    long camMaxMillis() default 1000;

    @AttributeDefinition(name = "Low-frequency container interval (ms)")
    long lowFrequencyMillis() default 500;

    @AttributeDefinition(name = "BSM interval (ms)", description = "SAE J2945/1: 100 (10 Hz)")
    long bsmIntervalMillis() default 100;

    @AttributeDefinition(name = "Check interval (ms)", description = "T_CheckCamGen, at most T_GenCamMin")
    long checkIntervalMillis() default 50;

    @AttributeDefinition(name = "Maximum age of signed messages (ms)")
    long maxAgeMillis() default 2000;

    @AttributeDefinition(name = "GeoBroadcast hop limit")
    int gbcHopLimit() default 10;

    @AttributeDefinition(name = "Destination Layer-2 ID", description = "24-bit destination Layer-2 ID provisioned "
            + "for the V2X service (TS 24.386 §5.2.1), hex")
    String destinationL2Id() default "0xffffff";
}
