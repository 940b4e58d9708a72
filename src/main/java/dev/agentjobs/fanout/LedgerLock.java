package dev.agentjobs.fanout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The right to run a fan-out or a gateway ({@code agentjobs serve --ledger}) on a ledger file: an exclusive OS lock
 * on {@code <ledger>.lock} beside it. A run that starts takes the prompts a stopped run left {@code CREATING} for
 * its own crash's and marks them {@code IN_DOUBT}; a second run on a ledger that another process is using would
 * do that to creates still on the wire. Holding this lock for the whole run makes a second one fail at once
 * instead.
 *
 * <pre>{@code
 * try (LedgerLock lock = LedgerLock.acquire(Path.of("prompts.ledger.db"));
 *      SqliteJobLedger ledger = SqliteJobLedger.open(lock.ledger())) {
 *     FanOut.create(client, ledger).fanOut(prompts, options).blockLast();
 * }
 * }</pre>
 *
 * <p>The OS releases the lock when the process ends in any way, {@code kill -9} included, so a crash never leaves
 * a ledger locked. The lock file stays behind (removing it could let two runs lock two different files); it
 * holds only the process id of the last run, for the message a refused run prints. Readers need no lock: reading
 * counts while a run writes is safe (SQLite's WAL). The lock is advisory and per file system: it does not guard
 * against a run on another machine sharing the file over a network file system.
 */
public final class LedgerLock implements AutoCloseable {

    private final Path ledger;
    private final FileChannel channel;
    private final FileLock lock;

    private LedgerLock(Path ledger, FileChannel channel, FileLock lock) {
        this.ledger = ledger;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of {@code ledger}: the same name with {@code .lock} added. */
    public static Path lockFile(Path ledger) {
        return ledger.resolveSibling(ledger.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code ledger} without waiting. Blocks only on the file system: call it where blocking is
     * allowed.
     *
     * @throws LedgerException {@link LedgerException.Reason#LOCKED} when another run holds it (in this process or
     *     another), {@code STORAGE} when the lock file cannot be created
     */
    public static LedgerLock acquire(Path ledger) {
        Objects.requireNonNull(ledger, "ledger");
        Path file = lockFile(ledger.toAbsolutePath());
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new LedgerException(LedgerException.Reason.STORAGE, "cannot create the lock file " + file + ": "
                    + e.getMessage(), e);
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw locked(ledger, file, holder(file));
            }
            // The holder's pid, for the message of a run refused while this one holds the lock.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            return new LedgerLock(ledger.toAbsolutePath(), channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof LedgerException le) {
                throw le;
            }
            throw new LedgerException(LedgerException.Reason.STORAGE, "cannot lock " + file + ": " + e.getMessage(),
                    e);
        }
    }

    /** The ledger this lock guards (absolute). */
    public Path ledger() {
        return ledger;
    }

    /** Releases the lock; the file stays. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it as well.
        } finally {
            closeQuietly(channel);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // another run in this very process holds it
        }
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.matches("[0-9]{1,10}") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static LedgerException locked(Path ledger, Path file, String holder) {
        return new LedgerException(LedgerException.Reason.LOCKED, "ledger " + ledger + " is in use by another"
                + " fanout or serve run" + holder + ": it holds the lock on " + file + ". Wait for that run to end or"
                + " stop it (Ctrl-C), then run this command again; `agentjobs fanout --status --ledger " + ledger
                + "` shows its progress meanwhile");
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was written that matters; the OS drops the lock with the descriptor.
        }
    }
}
