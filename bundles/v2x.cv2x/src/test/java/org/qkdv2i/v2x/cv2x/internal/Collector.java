package org.qkdv2i.v2x.cv2x.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.qkdv2i.v2x.api.adapter.ReceivedMessage;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.adapter.V2xMessageListener;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.message.Denm;

/** A listener that keeps what it receives. */
public final class Collector implements V2xMessageListener {
    public final List<ReceivedMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    public void received(ReceivedMessage message) {
        messages.add(message);
    }

    public List<Cam> cams() {
        List<Cam> l = new ArrayList<>();
        for (ReceivedMessage m : messages) {
            if (m.content() instanceof V2xContent.CamContent c) {
                l.add(c.cam());
            }
        }
        return l;
    }

    public List<Denm> denms() {
        List<Denm> l = new ArrayList<>();
        for (ReceivedMessage m : messages) {
            if (m.content() instanceof V2xContent.DenmContent c) {
                l.add(c.denm());
            }
        }
        return l;
    }

    public List<Bsm> bsms() {
        List<Bsm> l = new ArrayList<>();
        for (ReceivedMessage m : messages) {
            if (m.content() instanceof V2xContent.BsmContent c) {
                l.add(c.bsm());
            }
        }
        return l;
    }
}
