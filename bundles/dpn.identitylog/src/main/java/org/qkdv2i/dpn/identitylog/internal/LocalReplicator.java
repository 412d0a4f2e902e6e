package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-node embedded mode (demo, tests): no consensus, commands are applied in the order
 * they are submitted. With a journal file, each command is written and forced to disk before
 * it is applied ({@code i32 length | i32 CRC32C | command}) and the journal is replayed on
 * start; a torn last record (crash mid-write) is cut off. Without one, the log lives in memory.
 */
final class LocalReplicator implements Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(LocalReplicator.class);

    private final String selfId;
    private final LogState state;
    private final Path journal;
    private FileChannel channel;

    LocalReplicator(String selfId, LogState state, Path journal) {
        this.selfId = selfId;
        this.state = state;
        this.journal = journal;
    }

    @Override
    public synchronized void start() throws IOException {
        if (journal == null) {
            return;
        }
        Files.createDirectories(journal.toAbsolutePath().getParent());
        channel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long size = channel.size();
        long pos = 0;
        int replayed = 0;
        ByteBuffer header = ByteBuffer.allocate(8);
        while (pos + 8 <= size) {
            header.clear();
            channel.read(header, pos);
            header.flip();
            int len = header.getInt();
            int crc = header.getInt();
            if (len < 0 || pos + 8 + len > size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            channel.read(body, pos + 8);
            byte[] command = body.array();
            if (crc(command) != crc) {
                break;
            }
            state.apply(command);
            replayed++;
            pos += 8 + len;
        }
        if (pos != size) {
            LOG.warn("identity log journal {} of replica {}: torn record at byte {} cut off ({} bytes)", journal,
                    selfId, pos, size - pos);
            channel.truncate(pos);
            channel.force(true);
        }
        channel.position(pos);
        LOG.info("identity log replica {} (single node) replayed {} commands from {}", selfId, replayed, journal);
    }

    @Override
    public synchronized CompletableFuture<byte[]> submit(byte[] command) {
        try {
            if (channel != null) {
                ByteBuffer rec = ByteBuffer.allocate(8 + command.length);
                rec.putInt(command.length).putInt(crc(command)).put(command).flip();
                while (rec.hasRemaining()) {
                    channel.write(rec);
                }
                channel.force(false);
            } else if (journal != null) {
                throw new IOException("replica " + selfId + " is closed");
            }
            return CompletableFuture.completedFuture(state.apply(command));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<byte[]> query(String peer, byte[] query, long minIndex) {
        return CompletableFuture.failedFuture(new IOException("single-node identity log has no peer " + peer));
    }

    @Override
    public long appliedIndex() {
        return -1;
    }

    @Override
    public String leader() {
        return selfId;
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("identity log replica {}: closing journal {} failed: {}", selfId, journal, e.toString());
            }
            channel = null;
        }
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }
}
