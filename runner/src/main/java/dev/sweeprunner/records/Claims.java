package dev.sweeprunner.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Who is running which trial, so that two sweeps on one results directory (two terminals, two
 * machines on a shared filesystem, shards) never run the same trial. A claim is the file
 * {@code trials/<id>/claim}, created with create-new (atomic, also on NFS); its modification time
 * is the lease, renewed by the owner while it trains. A claim older than the lease belongs to a
 * dead process: it is renamed away (atomic, so only one taker wins) and claimed afresh.
 */
public final class Claims {
    public static final String CLAIM_FILE = "claim";

    /** A claim this process holds. */
    public record Claim(String trialId, Path file) {}

    private final TrialStore store;
    private final Duration lease;
    private final String owner;

    public Claims(TrialStore store, Duration lease) {
        this.store = store;
        this.lease = lease;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + " " + UUID.randomUUID();
    }

    public Duration lease() {
        return lease;
    }

    /** Claims the trial, or empty when a live sweep holds it. */
    public Optional<Claim> tryClaim(String trialId) {
        Path file = store.trialDir(trialId).resolve(CLAIM_FILE);
        try {
            Files.createDirectories(file.getParent());
            if (create(file)) {
                return Optional.of(new Claim(trialId, file));
            }
            if (!expired(file)) {
                return Optional.empty();
            }
            Path stale = file.resolveSibling(CLAIM_FILE + ".expired-" + UUID.randomUUID());
            try {
                Files.move(file, stale, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // released or taken over meanwhile: create-new decides
            } catch (AtomicMoveNotSupportedException e) {
                throw new UncheckedIOException("claims need atomic renames; " + file.getParent() + " has none", e);
            }
            Files.deleteIfExists(stale);
            return create(file) ? Optional.of(new Claim(trialId, file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim trial " + trialId, e);
        }
    }

    /** Extends the lease; false when the claim is no longer ours (it expired and was taken over). */
    public boolean renew(Claim claim) {
        try {
            if (!ours(claim)) {
                return false;
            }
            Files.setLastModifiedTime(claim.file(), FileTime.fromMillis(System.currentTimeMillis()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public void release(Claim claim) {
        try {
            if (ours(claim)) {
                Files.deleteIfExists(claim.file());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the claim on trial " + claim.trialId(), e);
        }
    }

    /** Who holds the trial's claim ("pid@host uuid"), for messages; empty when nobody does. */
    public Optional<String> holder(String trialId) {
        try {
            return Optional.of(Files.readString(store.trialDir(trialId).resolve(CLAIM_FILE)).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private boolean create(Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        Files.writeString(file, owner + "\n", StandardCharsets.UTF_8);
        return true;
    }

    private boolean expired(Path file) throws IOException {
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
            return age > lease.toMillis();
        } catch (NoSuchFileException e) {
            return true; // released meanwhile: free to take
        }
    }

    private boolean ours(Claim claim) throws IOException {
        try {
            return Files.readString(claim.file()).trim().equals(owner);
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
