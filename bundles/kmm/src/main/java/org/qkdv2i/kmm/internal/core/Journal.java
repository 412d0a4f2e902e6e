package org.qkdv2i.kmm.internal.core;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.h2.mvstore.MVMap;

/**
 * The key store's redo journal. MVStore writes a new chunk per commit (pages, chunk table,
 * header): at one commit per request that was two thirds of the request path's CPU. So the
 * vault commits MVStore about once a second (a checkpoint) and makes each request durable by
 * appending its map changes here instead: one {@code write} of a few hundred bytes.
 *
 * <p>Records are absolute (put this value, remove this key), so replaying any suffix of the
 * history that starts at or before the last checkpoint gives the state after the last record.
 * They are written in groups, each framed with its length and a CRC-32C: a group is written
 * whole by {@link #flush} with everything changed since the previous one (the state between two
 * mutations, as a commit was), and replay stops at the first incomplete group, so a crash never
 * applies half of one. Segments ({@code keys.journal.N}) are rotated at each checkpoint and
 * deleted once the checkpoint is on disk. Like MVStore's own commits the appends are not
 * fsynced one by one: a killed process loses nothing (the operating system holds the writes),
 * a power failure at most the time since the last {@link #force}.
 *
 * <p>Key material reaches the journal only sealed (the vault seals before it stores).
 */
final class Journal implements AutoCloseable {

    static final String PREFIX = "keys.journal.";

    private static final byte PUT_LONG_BYTES = 1;
    private static final byte REMOVE_LONG = 2;
    private static final byte PUT_STRING_STRING = 3;
    private static final byte PUT_STRING_LONG = 4;

    private final Path dir;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(4096);
    private final DataOutputStream records = new DataOutputStream(pending);
    /** Groups taken but not yet written, oldest first (guarded by itself). */
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    /** Number of the last group taken; group numbers start at 1 (guarded by {@link #queued}). */
    private long taken;
    /** Number of the last group written (guarded by {@link #writeLock}). */
    private long written;
    private final Object writeLock = new Object();
    private long segment;
    private FileChannel out;
    private long segmentBytes;

    private Journal(Path dir, long segment) throws IOException {
        this.dir = dir;
        this.segment = segment;
        this.out = openSegment(segment);
    }

    /** Opens a fresh segment after those that {@link #replay} read. */
    static Journal open(Path dir) throws IOException {
        List<Long> existing = segments(dir);
        return new Journal(dir, existing.isEmpty() ? 0 : existing.get(existing.size() - 1) + 1);
    }

    // records ---------------------------------------------------------------

    void putLongBytes(String map, long key, byte[] value) {
        record(PUT_LONG_BYTES, map, out -> {
            out.writeLong(key);
            out.writeInt(value.length);
            out.write(value);
        });
    }

    void removeLong(String map, long key) {
        record(REMOVE_LONG, map, out -> out.writeLong(key));
    }

    void putStringString(String map, String key, String value) {
        record(PUT_STRING_STRING, map, out -> {
            out.writeUTF(key);
            out.writeUTF(value);
        });
    }

    void putStringLong(String map, String key, long value) {
        record(PUT_STRING_LONG, map, out -> {
            out.writeUTF(key);
            out.writeLong(value);
        });
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private void record(byte op, String map, Body body) {
        try {
            records.writeByte(op);
            records.writeUTF(map);
            body.write(records);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    // durability --------------------------------------------------------------

    /**
     * Closes the group of every record since the last one and queues it for writing; cheap, so
     * the caller can hold the core lock (the group is then a state between two mutations).
     * @return the group's number, to pass to {@link #write}; the last one taken if nothing changed
     */
    long take() {
        synchronized (queued) {
            if (pending.size() == 0) {
                return taken;
            }
            byte[] body = pending.toByteArray();
            pending.reset();
            CRC32C crc = new CRC32C();
            crc.update(body);
            queued.add(ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue())
                    .put(body).array());
            return ++taken;
        }
    }

    /**
     * Writes the queued groups up to number {@code group}, in the order they were taken,
     * whichever thread took them; need not hold the core lock (a slow disk then stalls only the
     * callers waiting for durability, not every request).
     */
    void write(long group) {
        synchronized (writeLock) {
            while (written < group) {
                byte[] frame;
                synchronized (queued) {
                    frame = queued.poll();
                }
                if (frame == null) {
                    return; // written by an earlier rotate()
                }
                ByteBuffer b = ByteBuffer.wrap(frame);
                try {
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("writing the key store journal " + segmentPath(segment) + " failed", e);
                }
                segmentBytes += frame.length;
                written++;
            }
        }
    }

    /** Takes and writes everything so far. */
    void flush() {
        write(take());
    }

    long segmentBytes() {
        synchronized (writeLock) {
            return segmentBytes;
        }
    }

    /**
     * Starts a new segment; the caller has just committed MVStore, so every record before it is
     * in the store file. @return the number of the first segment still needed after a crash
     * once that commit is on disk
     */
    long rotate() {
        synchronized (writeLock) {
            flush();
            try {
                out.close();
                segment++;
                out = openSegment(segment);
                segmentBytes = 0;
            } catch (IOException e) {
                throw new UncheckedIOException("rotating the key store journal failed", e);
            }
            return segment;
        }
    }

    /** Forces the current segment to the disk. */
    void force() {
        try {
            FileChannel c;
            synchronized (writeLock) {
                c = out;
            }
            if (c.isOpen()) {
                c.force(false);
            }
        } catch (java.nio.channels.ClosedChannelException e) {
            // rotated meanwhile: the checkpoint that rotated it covers its records
        } catch (IOException e) {
            throw new UncheckedIOException("syncing the key store journal failed", e);
        }
    }

    /** Deletes the segments before {@code firstNeeded}: their records are in the synced store. */
    void deleteBefore(long firstNeeded) {
        for (long s : segments(dir)) {
            if (s < firstNeeded) {
                try {
                    Files.deleteIfExists(segmentPath(s));
                } catch (IOException e) {
                    throw new UncheckedIOException("deleting journal segment " + segmentPath(s) + " failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            synchronized (writeLock) {
                out.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // replay ---------------------------------------------------------------

    /**
     * Applies every complete group of every segment in {@code dir}, oldest first, to the maps
     * {@code maps} names. Stops at the first incomplete or corrupt group: it was being written
     * when the process died, so nothing after it was ever acknowledged.
     *
     * @return the number of groups applied
     */
    @SuppressWarnings("unchecked")
    static int replay(Path dir, Function<String, MVMap<?, ?>> maps) throws IOException {
        int groups = 0;
        for (long s : segments(dir)) {
            try (InputStream in = Files.newInputStream(segmentPath(dir, s))) {
                DataInputStream data = new DataInputStream(in);
                while (true) {
                    byte[] body;
                    try {
                        int length = data.readInt();
                        int crc = data.readInt();
                        if (length < 0 || length > 1 << 30) {
                            return groups;
                        }
                        body = new byte[length];
                        data.readFully(body);
                        CRC32C check = new CRC32C();
                        check.update(body);
                        if ((int) check.getValue() != crc) {
                            return groups;
                        }
                    } catch (EOFException e) {
                        break; // end of this segment (or a torn last group)
                    }
                    DataInputStream r = new DataInputStream(new java.io.ByteArrayInputStream(body));
                    while (r.available() > 0) {
                        byte op = r.readByte();
                        MVMap<Object, Object> m = (MVMap<Object, Object>) maps.apply(r.readUTF());
                        switch (op) {
                            case PUT_LONG_BYTES -> {
                                long k = r.readLong();
                                byte[] v = new byte[r.readInt()];
                                r.readFully(v);
                                m.put(k, v);
                            }
                            case REMOVE_LONG -> m.remove(r.readLong());
                            case PUT_STRING_STRING -> m.put(r.readUTF(), r.readUTF());
                            case PUT_STRING_LONG -> m.put(r.readUTF(), r.readLong());
                            default -> throw new IOException("journal segment " + segmentPath(dir, s)
                                    + ": unknown record type " + op);
                        }
                    }
                    groups++;
                }
            }
        }
        return groups;
    }

    private FileChannel openSegment(long s) throws IOException {
        return FileChannel.open(segmentPath(s), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private Path segmentPath(long s) {
        return segmentPath(dir, s);
    }

    private static Path segmentPath(Path dir, long s) {
        return dir.resolve(PREFIX + s);
    }

    private static List<Long> segments(Path dir) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX)).forEach(n -> {
                try {
                    out.add(Long.parseLong(n.substring(PREFIX.length())));
                } catch (NumberFormatException e) {
                    // not ours
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + " failed", e);
        }
        out.sort(null);
        return out;
    }
}
