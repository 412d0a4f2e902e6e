package org.qkdv2i.dpn.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A man in the middle on real TCP for tests: forwards DPN frames between one client and a
 * target, and lets the test tamper with, hold back, replay or inject frames going from the
 * client to the target.
 */
final class FrameProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    /** Frames (type, body) that went client -> target, in order. */
    final List<Frames.Frame> forwarded = new CopyOnWriteArrayList<>();
    /** Applied to each client -> target DATA frame body; returning null holds the frame back. */
    volatile UnaryOperator<byte[]> onData = UnaryOperator.identity();
    private volatile DataOutputStream toTarget;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    FrameProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 5, target.getAddress());
        Thread t = new Thread(this::accept, "frame-proxy");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Writes a frame to the target as if the client had sent it. */
    synchronized void inject(byte type, byte[] body) throws IOException {
        Frames.write(toTarget, type, body);
    }

    private void accept() {
        try {
            Socket client = server.accept();
            Socket upstream = new Socket(target.getAddress(), target.getPort());
            sockets.add(client);
            sockets.add(upstream);
            toTarget = new DataOutputStream(upstream.getOutputStream());
            DataInputStream fromClient = new DataInputStream(client.getInputStream());
            Thread back = new Thread(() -> pipe(upstream, client), "frame-proxy-back");
            back.setDaemon(true);
            back.start();
            while (true) {
                Frames.Frame f = Frames.read(fromClient, t -> 1 << 24);
                byte[] body = f.body();
                if (f.type() == Frames.DATA) {
                    body = onData.apply(body);
                    if (body == null) {
                        continue;
                    }
                }
                forwarded.add(new Frames.Frame(f.type(), body));
                synchronized (this) {
                    Frames.write(toTarget, f.type(), body);
                }
            }
        } catch (IOException | ProtocolException e) {
            close();
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = from.getInputStream().read(buf)) >= 0) {
                to.getOutputStream().write(buf, 0, n);
            }
        } catch (IOException e) {
            // one side closed
        }
        close();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
