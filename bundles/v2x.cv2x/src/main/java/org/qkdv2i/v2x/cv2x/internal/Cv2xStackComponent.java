package org.qkdv2i.v2x.cv2x.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferenceScope;
import org.osgi.service.metatype.annotations.Designate;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;
import org.qkdv2i.v2x.api.adapter.V2xMessageListener;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.Radio;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.itsg5.internal.stack.StackConfig;
import org.qkdv2i.v2x.itsg5.internal.stack.StackHost;

/**
 * A V2X stack on a C-V2X PC5 radio (factory PID {@code org.qkdv2i.v2x.cv2x.Stack}); the same upper
 * layers as the ITS-G5 stack, PC5 non-IP framing below. Immediate, like the ITS-G5 stack: it
 * generates and receives whether or not anyone holds its service. Its periodic check runs on the
 * bundle's shared {@link Cv2xScheduler} (static reference: a new scheduler restarts it).
 */
@Designate(ocd = Cv2xStackConfig.class, factory = true)
@Component(configurationPid = "org.qkdv2i.v2x.cv2x.Stack", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = V2xStack.class)
public final class Cv2xStackComponent extends StackHost {

    /**
     * @param security this stack's own instance of v2x.codec's prototype-scoped 1609.2 codec (all
     *     stacks' instances share the framework's verdict memo, PID org.qkdv2i.v2x.codec.Verifier)
     */
    @Activate
    public Cv2xStackComponent(Cv2xStackConfig c, @Reference(name = "scheduler") Cv2xScheduler scheduler,
            @Reference(name = "ieee1609Dot2", scope = ReferenceScope.PROTOTYPE_REQUIRED) Ieee1609Dot2Codec security)
            throws IOException {
        super(config(c), new Pc5Framing(layer2Id(c.destinationL2Id())),
                new SecurityFiles(c.signing_certificate(), c.signing_key(), c._signing_password(), c.trust_roots(),
                        c.trust_certificates()),
                c.checkIntervalMillis(), scheduler.scheduler(), security);
    }

    static LinkAddress layer2Id(String hex) {
        String h = hex.trim().toLowerCase();
        return LinkAddress.layer2Id(Integer.parseInt(h.startsWith("0x") ? h.substring(2) : h, 16));
    }

    static StackConfig config(Cv2xStackConfig c) {
        return new StackConfig(c.v2x_stack(), Profile.valueOf(c.v2x_profile().trim()), c.stationId(), c.stationType(),
                "SIGNED".equalsIgnoreCase(c.security().trim()), c.acceptUnsecured(), c.generate(),
                Duration.ofMillis(c.camMinMillis()), Duration.ofMillis(c.camMaxMillis()),
                Duration.ofMillis(c.lowFrequencyMillis()), Duration.ofMillis(c.bsmIntervalMillis()),
                Duration.ofMillis(c.maxAgeMillis()), c.gbcHopLimit());
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    @Reference(name = "radio", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRadio(Radio r) {
        engine().setRadio(r);
    }

    void unbindRadio(Radio r) {
        engine().unsetRadio(r);
    }

    @Reference(name = "stationState", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStationState(StationStateProvider p) {
        engine().setStateProvider(p);
    }

    void unbindStationState(StationStateProvider p) {
        engine().unsetStateProvider(p);
    }

    @Reference(name = "listener", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(V2xMessageListener l, Map<String, Object> props) {
        addListener(l, props);
    }

    void unbindListener(V2xMessageListener l) {
        engine().removeListener(l);
    }
}
