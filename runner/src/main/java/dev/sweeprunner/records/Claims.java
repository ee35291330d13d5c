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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Who is running which trial, so that two sweeps on one results directory (two terminals, two
 * machines on a shared filesystem, shards) never run the same trial. A claim is the file
 * {@code trials/<id>/claim}, created with create-new (atomic, also on NFS); its modification time
 * is the lease, renewed by the owner while it trains.
 *
 * <p>A claim records its owner: {@code pid@host uuid} on its first line (the only line of older
 * claim files), then {@code pid}, {@code host}, {@code start} (the process's start instant) and
 * {@code boot_id} (the kernel's, changed by every boot). On the same host that is enough to know
 * whether the owner lives: no such process, another process with its PID (another start instant),
 * or another boot means it is dead, and its claim is taken at once, so a sweep started right after
 * {@code kill -9} runs every trial. A claim from another host, an older claim file, or an owner
 * whose start is unknown falls back to the lease: older than the lease, it belongs to a dead
 * process. A dead or expired claim is renamed away (atomic, so only one taker wins) and claimed
 * afresh.
 */
public final class Claims {
    public static final String CLAIM_FILE = "claim";
    /** The kernel's id of this boot: a PID and start instant mean the same process only within one boot. */
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** A claim this process holds. */
    public record Claim(String trialId, Path file) {}

    /** Whether a claim's owner runs, as far as this process can tell. */
    enum Owner {
        /** On this host and running. */
        ALIVE,
        /** On this host and gone (or this host rebooted since). */
        DEAD,
        /** Another host, an older claim file, or no start instant: only the lease tells. */
        UNKNOWN
    }

    private final TrialStore store;
    private final Duration lease;
    private final String host;
    private final String bootId;
    /** This process's claim file text; a claim is ours when its file holds exactly this. */
    private final String owner;

    public Claims(TrialStore store, Duration lease) {
        this.store = store;
        this.lease = lease;
        ProcessHandle self = ProcessHandle.current();
        String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        this.host = name.substring(name.indexOf('@') + 1);
        this.bootId = readBootId();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("pid", Long.toString(self.pid()));
        fields.put("host", host);
        self.info().startInstant().ifPresent(start -> fields.put("start", start.toString()));
        fields.put("boot_id", bootId);
        StringBuilder text = new StringBuilder(name + " " + UUID.randomUUID() + "\n");
        fields.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        this.owner = text.toString();
    }

    public Duration lease() {
        return lease;
    }

    /** This host's name as claims record it. */
    String host() {
        return host;
    }

    /** This boot's id as claims record it ("" where the kernel has none). */
    String bootId() {
        return bootId;
    }

    /** Claims the trial, or empty when a live sweep holds it. */
    public Optional<Claim> tryClaim(String trialId) {
        Path file = store.trialDir(trialId).resolve(CLAIM_FILE);
        try {
            Files.createDirectories(file.getParent());
            if (create(file)) {
                return Optional.of(new Claim(trialId, file));
            }
            if (held(file)) {
                return Optional.empty();
            }
            Path stale = file.resolveSibling(CLAIM_FILE + ".stale-" + UUID.randomUUID());
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
        return read(store.trialDir(trialId).resolve(CLAIM_FILE)).map(text -> text.lines().findFirst().orElse("").trim());
    }

    /**
     * The holders of every claim in the results directory whose owner may still run (alive, or
     * unknown and within its lease), one entry per holder: what {@code --fresh} must not move.
     */
    public List<String> liveHolders() {
        Path trials = store.resultsDir().resolve(TrialStore.TRIALS_DIR);
        if (!Files.isDirectory(trials)) {
            return List.of();
        }
        List<String> holders = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(trials)) {
            for (Path dir : dirs.sorted().toList()) {
                Path file = dir.resolve(CLAIM_FILE);
                if (held(file)) {
                    holder(dir.getFileName().toString()).filter(h -> !holders.contains(h)).ifPresent(holders::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + trials, e);
        }
        return holders;
    }

    /** Whether the claim file exists and its owner may still run: alive, or unknown and within the lease. */
    private boolean held(Path file) throws IOException {
        Optional<String> text = read(file);
        if (text.isEmpty()) {
            return false; // released meanwhile: free to take
        }
        return switch (owner(text.get())) {
            case ALIVE -> true;
            case DEAD -> false;
            case UNKNOWN -> !expired(file);
        };
    }

    /** What this process can tell of a claim's owner from its file's text. */
    Owner owner(String claimText) {
        Map<String, String> fields = new LinkedHashMap<>();
        claimText.lines().skip(1).forEach(line -> {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        });
        if (!host.equals(fields.get("host")) || !fields.containsKey("pid")) {
            return Owner.UNKNOWN; // an older claim file, or another machine: its processes are not ours to see
        }
        String claimBoot = fields.getOrDefault("boot_id", "");
        if (!bootId.isEmpty() && !claimBoot.isEmpty() && !bootId.equals(claimBoot)) {
            return Owner.DEAD; // this host rebooted since: every process of that boot is gone
        }
        long pid;
        try {
            pid = Long.parseLong(fields.get("pid"));
        } catch (NumberFormatException e) {
            return Owner.UNKNOWN;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || zombie(pid)) {
            return Owner.DEAD;
        }
        String start = fields.get("start");
        Optional<Instant> running = process.get().info().startInstant();
        if (start == null || running.isEmpty()) {
            return Owner.UNKNOWN;
        }
        try {
            return Instant.parse(start).equals(running.get()) ? Owner.ALIVE : Owner.DEAD; // else: the PID was reused
        } catch (java.time.format.DateTimeParseException e) {
            return Owner.UNKNOWN;
        }
    }

    /**
     * A process that has exited but is not yet reaped by its parent still has its PID and start
     * instant; Linux marks it Z in /proc/PID/stat (state is the word after the command's ')').
     */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String after = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return after.startsWith("Z") || after.startsWith("X");
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or gone meanwhile (the next check sees that)
        }
    }

    private boolean create(Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        Files.writeString(file, owner, StandardCharsets.UTF_8);
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
        return read(claim.file()).map(owner::equals).orElse(false);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String readBootId() {
        try {
            return Files.readString(BOOT_ID).trim();
        } catch (IOException e) {
            return ""; // not Linux: PID and start instant still tell, within the lease's fallback
        }
    }
}
