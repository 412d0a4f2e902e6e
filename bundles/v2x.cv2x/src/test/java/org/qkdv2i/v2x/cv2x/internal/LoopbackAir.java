package org.qkdv2i.v2x.cv2x.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.qkdv2i.v2x.api.radio.FrameListener;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.Radio;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioSubscription;
import org.qkdv2i.v2x.api.radio.RadioTechnology;

/**
 * TEST DOUBLE (a copy of v2x.itsg5's, tests share no jar): an in-memory "air" that hands every frame a radio sends, synchronously and on the
 * sender's thread, to every other radio's listeners. It stands in for the virtual air
 * (vendor-drivers/radio.udp), which is built separately; it has no range, loss or latency, but it
 * can tamper with frames in flight and records everything sent.
 */
public final class LoopbackAir {
    private final List<LoopbackRadio> radios = new CopyOnWriteArrayList<>();
    private final List<RadioFrame> sent = new CopyOnWriteArrayList<>();
    private volatile UnaryOperator<RadioFrame> tamper = UnaryOperator.identity();

    public LoopbackRadio radio(String id, RadioTechnology technology, LinkAddress address) {
        LoopbackRadio r = new LoopbackRadio(id, technology, address);
        radios.add(r);
        return r;
    }

    /** Frames sent so far by anyone, as sent (before tampering). */
    public List<RadioFrame> sent() {
        return new ArrayList<>(sent);
    }

    public void clearSent() {
        sent.clear();
    }

    /** Changes frames in flight (return {@code null} to lose one). */
    public void tamper(UnaryOperator<RadioFrame> t) {
        tamper = t;
    }

    /** Delivers a frame as if {@code from} had sent it (hostile input). */
    public void inject(LoopbackRadio from, RadioFrame frame) {
        for (LoopbackRadio r : radios) {
            if (r != from) {
                r.deliver(frame);
            }
        }
    }

    public final class LoopbackRadio implements Radio {
        private final String id;
        private final RadioTechnology technology;
        private final LinkAddress address;
        private final List<FrameListener> listeners = new CopyOnWriteArrayList<>();
        private volatile boolean down;

        LoopbackRadio(String id, RadioTechnology technology, LinkAddress address) {
            this.id = id;
            this.technology = technology;
            this.address = address;
        }

        @Override
        public String radioId() {
            return id;
        }

        @Override
        public RadioTechnology technology() {
            return technology;
        }

        @Override
        public LinkAddress address() {
            return address;
        }

        public void down() {
            down = true;
        }

        @Override
        public void send(RadioFrame frame) throws IOException {
            if (down) {
                throw new IOException("radio " + id + " is down");
            }
            if (frame.source().octets() != address.octets()) {
                throw new IllegalArgumentException("wrong address kind");
            }
            sent.add(frame);
            RadioFrame f = tamper.apply(frame);
            if (f != null) {
                inject(this, f);
            }
        }

        void deliver(RadioFrame f) {
            if (f.source().octets() != address.octets()) {
                return; // another technology does not hear it
            }
            for (FrameListener l : listeners) {
                l.received(f);
            }
        }

        @Override
        public RadioSubscription subscribe(FrameListener listener) {
            FrameListener wrapper = listener::received;
            listeners.add(wrapper);
            return () -> listeners.remove(wrapper);
        }

        public int subscribers() {
            return listeners.size();
        }
    }
}
