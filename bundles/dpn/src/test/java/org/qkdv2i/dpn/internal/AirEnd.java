package org.qkdv2i.dpn.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of the test's radio "air": a real UDP socket on 127.0.0.1 carrying IEEE 1609.2
 * PSK-protected datagrams (stand-in for the 802.11p / C-V2X adapters of issue 6). Received
 * datagrams are opened with the end's channel and handed on; refusals are logged with the
 * reason and counted.
 */
final class AirEnd implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AirEnd.class);

    final String name;
    final DatagramSocket socket;
    volatile ProtectedChannel channel;
    volatile InetSocketAddress peer;
    /** Returns null if the sender may be heard, else the reason it may not (e.g. revoked). */
    volatile Supplier<MessageRejectedException.Reason> gate = () -> null;
    volatile byte[] lastRaw;
    final Map<MessageRejectedException.Reason, AtomicInteger> refused = new EnumMap<>(MessageRejectedException.Reason.class);
    private final Consumer<byte[]> deliver;
    private final Thread thread;

    AirEnd(String name, Consumer<byte[]> deliver) throws SocketException {
        this.name = name;
        this.deliver = deliver;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        for (MessageRejectedException.Reason r : MessageRejectedException.Reason.values()) {
            refused.put(r, new AtomicInteger());
        }
        thread = new Thread(this::receiveLoop, "air-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
    }

    int refused(MessageRejectedException.Reason r) {
        return refused.get(r).get();
    }

    /** Protects and sends one message to the peer; refused (logged) if the gate closes it. */
    boolean send(byte[] payload) throws IOException {
        MessageRejectedException.Reason no = gate.get();
        if (no != null) {
            LOG.warn("air {}: message to {} refused: {}", name, peer, no);
            refused.get(no).incrementAndGet();
            return false;
        }
        sendRaw(channel.protect(payload));
        return true;
    }

    void sendRaw(byte[] wire) throws IOException {
        socket.send(new DatagramPacket(wire, wire.length, peer));
    }

    private void receiveLoop() {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            byte[] wire = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
            lastRaw = wire;
            MessageRejectedException.Reason no = gate.get();
            if (no != null) {
                LOG.warn("air {}: datagram from {} refused: {}", name, p.getSocketAddress(), no);
                refused.get(no).incrementAndGet();
                continue;
            }
            try {
                deliver.accept(channel.open(wire));
            } catch (MessageRejectedException e) {
                LOG.warn("air {}: datagram from {} refused: {} ({})", name, p.getSocketAddress(), e.reason(),
                        e.getMessage());
                refused.get(e.reason()).incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        ProtectedChannel c = channel;
        if (c != null) {
            c.close();
        }
    }
}
