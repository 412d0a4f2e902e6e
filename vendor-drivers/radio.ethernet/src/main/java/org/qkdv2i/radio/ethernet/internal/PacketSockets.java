package org.qkdv2i.radio.ethernet.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

/**
 * AF_PACKET SOCK_RAW sockets on one Linux interface, one per bound EtherType (packet(7)): each
 * is created with protocol 0 (it hears nothing yet) and then bound to the interface and its
 * EtherType, so no frame of another interface slips in between. Frames are whole Ethernet II
 * frames, header included, in both directions. Receiving polls all sockets with a timeout so the
 * reading thread can notice {@link #close()}.
 */
final class PacketSockets implements AutoCloseable {
    static final int ETH_HEADER = 14;
    private static final int SOCKADDR_LL = 20;

    /** One received frame: the bytes from the destination MAC on, and the kernel's packet type. */
    record Received(byte[] frame, int packetType, int boundEtherType) {
    }

    private final LibC c;
    private final String interfaceName;
    private final int ifindex;
    private final int[] fds;
    private final int[] etherTypes;
    private final byte[] mac;
    private final int mtu;
    private final Memory pollfds;
    private final byte[] buffer = new byte[65_536 + ETH_HEADER];
    private final Memory from = new Memory(SOCKADDR_LL);
    private final Memory fromLen = new Memory(4);
    private volatile boolean closed;

    PacketSockets(String interfaceName, int[] etherTypes, boolean promiscuous) throws IOException {
        this.c = LibC.Holder.C;
        this.interfaceName = interfaceName;
        this.etherTypes = etherTypes.clone();
        this.fds = new int[etherTypes.length];
        Arrays.fill(fds, -1);
        int index;
        try {
            index = c.if_nametoindex(interfaceName);
        } catch (LastErrorException e) {
            throw new IOException("interface " + interfaceName + " does not exist (" + errno(e) + ")");
        }
        this.ifindex = index;
        try {
            for (int i = 0; i < etherTypes.length; i++) {
                fds[i] = c.socket(LibC.AF_PACKET, LibC.SOCK_RAW, 0);
                Memory sll = new Memory(SOCKADDR_LL);
                sll.clear();
                sll.setShort(0, (short) LibC.AF_PACKET);
                sll.setByte(2, (byte) (etherTypes[i] >> 8)); // sll_protocol in network byte order
                sll.setByte(3, (byte) etherTypes[i]);
                sll.setInt(4, ifindex);
                c.bind(fds[i], sll, SOCKADDR_LL);
                if (promiscuous) {
                    Memory mreq = new Memory(16); // struct packet_mreq
                    mreq.clear();
                    mreq.setInt(0, ifindex);
                    mreq.setShort(4, (short) LibC.PACKET_MR_PROMISC);
                    c.setsockopt(fds[i], LibC.SOL_PACKET, LibC.PACKET_ADD_MEMBERSHIP, mreq, 16);
                }
            }
            Memory ifr = ifreq(interfaceName); // netdevice(7): SIOCGIFHWADDR, SIOCGIFMTU
            c.ioctl(fds[0], new NativeLong(LibC.SIOCGIFHWADDR), ifr);
            this.mac = ifr.getByteArray(18, 6);
            ifr = ifreq(interfaceName);
            c.ioctl(fds[0], new NativeLong(LibC.SIOCGIFMTU), ifr);
            this.mtu = ifr.getInt(16);
        } catch (LastErrorException e) {
            closeAll();
            throw new IOException("AF_PACKET socket on " + interfaceName + ": " + errno(e)
                    + (e.getErrorCode() == LibC.EPERM ? " (needs CAP_NET_RAW)" : ""));
        }
        pollfds = new Memory(8L * fds.length); // struct pollfd { int fd; short events; short revents; }
        for (int i = 0; i < fds.length; i++) {
            pollfds.setInt(8L * i, fds[i]);
            pollfds.setShort(8L * i + 4, LibC.POLLIN);
        }
    }

    private static Memory ifreq(String name) {
        Memory ifr = new Memory(40);
        ifr.clear();
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length > 15) {
            throw new IllegalArgumentException("interface name " + name + " longer than 15 characters");
        }
        ifr.write(0, n, 0, n.length);
        return ifr;
    }

    static String errno(LastErrorException e) {
        return "errno " + e.getErrorCode();
    }

    byte[] mac() {
        return mac.clone();
    }

    int mtu() {
        return mtu;
    }

    int ifindex() {
        return ifindex;
    }

    /** Sends one whole Ethernet frame (header included) on the interface. */
    void send(byte[] frame) throws IOException {
        if (closed) {
            throw new IOException("interface " + interfaceName + " is closed");
        }
        try {
            long n = c.send(fds[0], frame, new NativeLong(frame.length), 0).longValue();
            if (n != frame.length) {
                throw new IOException("sent " + n + " of " + frame.length + " octets on " + interfaceName);
            }
        } catch (LastErrorException e) {
            throw new IOException("send on " + interfaceName + " failed: " + errno(e)
                    + (e.getErrorCode() == 100 ? " (interface down)" : ""));
        }
    }

    /**
     * Waits up to {@code timeoutMs} for frames and hands each waiting one to {@code sink}; returns
     * how many. Only one thread may call this.
     */
    int receive(int timeoutMs, java.util.function.Consumer<Received> sink) throws IOException {
        int ready;
        try {
            ready = c.poll(pollfds, new NativeLong(fds.length), timeoutMs);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) {
                return 0;
            }
            throw new IOException("poll on " + interfaceName + " failed: " + errno(e));
        }
        int count = 0;
        for (int i = 0; ready > 0 && i < fds.length; i++) {
            if (pollfds.getShort(8L * i + 6) == 0) {
                continue;
            }
            while (true) { // drain this socket
                int n;
                try {
                    fromLen.setInt(0, SOCKADDR_LL);
                    n = c.recvfrom(fds[i], buffer, new NativeLong(buffer.length), LibC.MSG_DONTWAIT, from, fromLen)
                            .intValue();
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) {
                        break;
                    }
                    throw new IOException("receive on " + interfaceName + " failed: " + errno(e));
                }
                sink.accept(new Received(Arrays.copyOf(buffer, n), from.getByte(10) & 0xFF, etherTypes[i]));
                count++;
            }
        }
        return count;
    }

    @Override
    public void close() {
        closed = true;
        closeAll();
    }

    private void closeAll() {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) {
                try {
                    c.close(fds[i]);
                } catch (LastErrorException e) {
                    // nothing left to do with a descriptor that will not close
                }
                fds[i] = -1;
            }
        }
    }
}
