package org.qkdv2i.radio.ethernet.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few Linux libc calls an AF_PACKET socket needs (packet(7), netdevice(7), poll(2)). Every
 * call throws {@link LastErrorException} (with errno) instead of returning -1.
 */
interface LibC extends Library {
    /** Loaded on first use, so a bundle on a non-Linux machine fails at activation, not at class loading. */
    final class Holder {
        static final LibC C = Native.load("c", LibC.class);

        private Holder() {
        }
    }

    int AF_PACKET = 17;
    int SOCK_RAW = 3;
    int SOL_SOCKET = 1;
    int SOL_PACKET = 263;
    int PACKET_ADD_MEMBERSHIP = 1;
    int PACKET_MR_PROMISC = 1;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    short POLLIN = 0x1;
    long SIOCGIFMTU = 0x8921;
    long SIOCGIFHWADDR = 0x8927;
    /** sll_pkttype values (linux/if_packet.h). */
    int PACKET_HOST = 0;
    int PACKET_BROADCAST = 1;
    int PACKET_MULTICAST = 2;
    int PACKET_OTHERHOST = 3;
    int PACKET_OUTGOING = 4;
    int EAGAIN = 11;
    int EINTR = 4;
    int EPERM = 1;
    int ENODEV = 19;
    int CLONE_NEWNET = 0x40000000;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, Pointer addr, int addrlen) throws LastErrorException;

    NativeLong send(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    NativeLong recvfrom(int fd, byte[] buf, NativeLong len, int flags, Pointer from, Pointer fromlen)
            throws LastErrorException;

    int setsockopt(int fd, int level, int optname, Pointer optval, int optlen) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

    int poll(Pointer fds, NativeLong nfds, int timeoutMs) throws LastErrorException;

    int if_nametoindex(String name) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    /** setns(2): moves the calling thread into another namespace (tests: a thread per network namespace). */
    int setns(int fd, int nstype) throws LastErrorException;
}
