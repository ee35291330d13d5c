package dev.sweeprunner.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Claim files: one holder at a time, owners known dead or alive, leases as the fallback, renewal and release. */
class ClaimsTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** Older than the lease. */
    private static final long STALE_MILLIS = 60_000;

    @TempDir
    Path dir;

    @Test
    void oneHolderUntilReleased() {
        TrialStore store = new TrialStore(dir);
        Claims a = new Claims(store, Duration.ofMinutes(2));
        Claims b = new Claims(store, Duration.ofMinutes(2));
        Optional<Claims.Claim> first = a.tryClaim("t1");
        assertTrue(first.isPresent());
        assertTrue(b.tryClaim("t1").isEmpty(), "a live claim is respected");
        assertTrue(b.holder("t1").orElseThrow().contains("@"), "the holder names its process");
        assertEquals(List.of(b.holder("t1").orElseThrow()), b.liveHolders());
        assertTrue(a.renew(first.get()));
        b.release(first.get()); // not b's: nothing happens
        assertTrue(b.tryClaim("t1").isEmpty());
        a.release(first.get());
        assertEquals(List.of(), b.liveHolders());
        assertTrue(b.tryClaim("t1").isPresent());
    }

    /** A claim file's text for an owner: {@code pid@host uuid}, then the fields (null = left out). */
    private static String claimText(long pid, String host, Instant start, String boot) {
        StringBuilder text = new StringBuilder(pid + "@" + host + " 00000000-0000-0000-0000-000000000000\n");
        text.append("pid=").append(pid).append('\n').append("host=").append(host).append('\n');
        if (start != null) {
            text.append("start=").append(start).append('\n');
        }
        if (boot != null) {
            text.append("boot_id=").append(boot).append('\n');
        }
        return text.toString();
    }

    /** A PID that ran and has exited (and was reaped). */
    private static long deadPid() {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (IOException e) {
            return Long.MAX_VALUE / 2; // no such process either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Long.MAX_VALUE / 2;
        }
    }

    /** Named cases: the claim file another sweep left, how old it is, and whether this sweep may take it. */
    static Stream<Arguments> foundClaims() {
        ProcessHandle self = ProcessHandle.current();
        Instant myStart = self.info().startInstant().orElseThrow();
        long me = self.pid();
        return Stream.of(
                found("owner alive on this host, lease long expired: respected", c -> claimText(me, c.host(), myStart,
                        c.bootId()), true, false),
                found("owner's PID gone: taken at once", c -> claimText(deadPid(), c.host(), myStart, c.bootId()), false,
                        true),
                found("PID reused by another process (other start instant): taken at once",
                        c -> claimText(me, c.host(), myStart.minusSeconds(3600), c.bootId()), false, true),
                found("owner from an earlier boot of this host: taken at once",
                        c -> claimText(me, c.host(), myStart, "another-boot"), false, true),
                found("another host, within its lease: respected",
                        c -> claimText(me, "elsewhere.example", myStart, "other"), false, false),
                found("another host, lease expired: taken", c -> claimText(me, "elsewhere.example", myStart, "other"),
                        true, true),
                found("older claim file (one line), within its lease: respected", c -> me + "@" + c.host() + " uuid\n",
                        false, false),
                found("older claim file (one line), lease expired: taken", c -> me + "@" + c.host() + " uuid\n", true,
                        true),
                found("owner without a start instant, within its lease: respected",
                        c -> claimText(me, c.host(), null, c.bootId()), false, false),
                found("just created, owner not yet written: respected", c -> "", false, false));
    }

    private static Arguments found(String name, Function<Claims, String> text, boolean stale, boolean taken) {
        return Arguments.of(Named.of(name, text), stale, taken);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foundClaims")
    void aClaimIsTakenWhenItsOwnerIsDeadOrItsLeaseExpired(Function<Claims, String> text, boolean stale, boolean taken)
            throws IOException {
        TrialStore store = new TrialStore(dir);
        Claims claims = new Claims(store, LEASE);
        Path file = store.trialDir("t1").resolve(Claims.CLAIM_FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text.apply(claims));
        if (stale) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - STALE_MILLIS));
        }
        assertEquals(!taken, claims.liveHolders().size() == 1, "--fresh sees a live holder exactly when it is respected");
        Optional<Claims.Claim> claim = claims.tryClaim("t1");
        assertEquals(taken, claim.isPresent());
        if (taken) {
            try (var files = Files.list(store.trialDir("t1"))) {
                assertEquals(List.of(Claims.CLAIM_FILE), files.map(f -> f.getFileName().toString()).toList(),
                        "the stale claim is gone, ours is in its place");
            }
            assertTrue(claims.renew(claim.get()));
        }
    }

    @Test
    void aTakenOverClaimsOwnerNoticesOnRenewal() throws IOException {
        TrialStore store = new TrialStore(dir);
        Claims first = new Claims(store, LEASE);
        Claims.Claim old = first.tryClaim("t1").orElseThrow();
        // as if another machine had found it expired and taken it over
        Files.writeString(old.file(), claimText(1, "elsewhere.example", Instant.EPOCH, "other"));
        assertFalse(first.renew(old), "the old owner learns it lost the claim");
        first.release(old);
        assertTrue(Files.exists(old.file()), "and does not release what is no longer its own");
    }

    @Test
    void concurrentClaimersGetOneWinner() throws InterruptedException {
        TrialStore store = new TrialStore(dir);
        AtomicInteger winners = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Claims claims = new Claims(store, Duration.ofMinutes(2));
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                claims.tryClaim("t1").ifPresent(c -> winners.incrementAndGet());
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, winners.get());
    }
}
