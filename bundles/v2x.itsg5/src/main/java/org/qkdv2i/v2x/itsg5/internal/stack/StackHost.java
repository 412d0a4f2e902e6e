package org.qkdv2i.v2x.itsg5.internal.stack;

import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.qkdv2i.v2x.api.adapter.DenmEvent;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.MessageKind;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.V2xMessageListener;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.v2x.api.message.ActionId;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.zap.api.ProtectedChannel;

/**
 * What both DS components are made of: the engine, its credentials from files and the periodic
 * task that calls {@link V2xEngine#tick()} every check interval on a shared {@link TickScheduler}
 * (the bundle's scheduler component). The components extend this and add only their DS
 * annotations (which bnd reads per class, so they stay in each bundle) and their
 * {@link LinkFraming}.
 */
public abstract class StackHost implements V2xStack {
    private final V2xEngine engine;
    private final TickScheduler.Ticket ticket;
    /** Non-null when this stack has a scheduler of its own (one thread, the pre-issue-8 way). */
    private final TickScheduler ownScheduler;

    /** Signing and trust files as configured (empty strings: none). */
    public record SecurityFiles(String certificate, String key, String password, String[] roots,
            String[] certificates) {
    }

    /**
     * A stack with a thread of its own ({@code v2x-stack-<name>}), as before issue 8; kept for
     * stand-alone use and as the benchmark's baseline.
     */
    protected StackHost(StackConfig config, LinkFraming framing, SecurityFiles files, long checkIntervalMillis)
            throws IOException {
        this(config, framing, files, checkIntervalMillis, null, Ieee1609Dot2Codecs.create());
    }

    /**
     * @param scheduler the shared scheduler the tick runs on; {@code null}: a one-thread scheduler
     *     of this stack's own, closed with it
     * @param security this stack's IEEE 1609.2 codec (the components: their instance of v2x.codec's
     *     prototype-scoped service, sharing the framework's verdict memo)
     */
    protected StackHost(StackConfig config, LinkFraming framing, SecurityFiles files, long checkIntervalMillis,
            TickScheduler scheduler, Ieee1609Dot2Codec security) throws IOException {
        SigningCredential credential = null;
        if (!files.certificate().isBlank()) {
            char[] pw = files.password() == null ? new char[0] : files.password().toCharArray();
            try {
                credential = CredentialFiles.loadCredential(java.nio.file.Path.of(files.certificate()),
                        java.nio.file.Path.of(files.key()), pw);
            } finally {
                java.util.Arrays.fill(pw, '\0');
            }
        }
        TrustStore trust = CredentialFiles.loadTrust(files.roots(), files.certificates());
        engine = new V2xEngine(config, framing, Clock.systemUTC(), credential, trust, security);
        ownScheduler = scheduler == null ? new TickScheduler("v2x-stack-" + config.stackId(), 1) : null;
        ticket = (scheduler == null ? ownScheduler : scheduler).schedule(config.stackId(), engine::tick,
                checkIntervalMillis);
    }

    protected final V2xEngine engine() {
        return engine;
    }

    /**
     * Stops generation and receiving: cancels only this stack's tick (others on the shared
     * scheduler go on) after a running tick has ended.
     */
    protected void stop() {
        ticket.close();
        if (ownScheduler != null) {
            ownScheduler.close();
        }
        engine.close();
    }

    /** Reads a listener's {@code v2x.stack} / {@code v2x.kinds} properties (String or String[]). */
    protected final void addListener(V2xMessageListener l, Map<String, Object> props) {
        Set<String> stacks = strings(props.get(V2xMessageListener.STACKS));
        Set<String> kindNames = strings(props.get(V2xMessageListener.KINDS));
        Set<MessageKind> kinds = null;
        if (kindNames != null) {
            kinds = new HashSet<>();
            for (String k : kindNames) {
                try {
                    kinds.add(MessageKind.valueOf(k.trim()));
                } catch (IllegalArgumentException e) {
                    // an unknown kind matches nothing
                }
            }
        }
        engine.addListener(l, stacks, kinds);
    }

    private static Set<String> strings(Object v) {
        if (v instanceof String s) {
            return Set.of(s);
        }
        if (v instanceof String[] a) {
            return Set.of(a);
        }
        return null;
    }

    @Override
    public String stackId() {
        return engine.stackId();
    }

    @Override
    public Profile profile() {
        return engine.profile();
    }

    @Override
    public RadioTechnology technology() {
        return engine.technology();
    }

    @Override
    public void sendCam(Cam cam, Security security) throws IOException {
        engine.sendCam(cam, security);
    }

    @Override
    public DenmEvent triggerDenm(DenmRequest request, Security security) throws IOException {
        return engine.triggerDenm(request, security);
    }

    @Override
    public void negateDenm(ActionId actionId, DenmRequest request, Security security) throws IOException {
        engine.negateDenm(actionId, request, security);
    }

    @Override
    public void sendBsm(Bsm bsm, Security security) throws IOException {
        engine.sendBsm(bsm, security);
    }

    @Override
    public void sendPayload(long serviceId, byte[] payload, int priority, Security security) throws IOException {
        engine.sendPayload(serviceId, payload, priority, security);
    }

    @Override
    public AutoCloseable registerPsk(byte[] psk16, ProtectedChannel channel) {
        return engine.registerPsk(psk16, channel);
    }

    @Override
    public StackStatistics statistics() {
        return engine.statistics();
    }
}
