package dev.sweeprunner.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claim files: one holder at a time, leases that expire, renewal and release. */
class ClaimsTest {
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
        assertTrue(a.renew(first.get()));
        b.release(first.get()); // not b's: nothing happens
        assertTrue(b.tryClaim("t1").isEmpty());
        a.release(first.get());
        assertTrue(b.tryClaim("t1").isPresent());
    }

    @Test
    void anExpiredClaimIsTakenOverAndItsOwnerNoticesOnRenewal() throws IOException {
        TrialStore store = new TrialStore(dir);
        Claims dead = new Claims(store, Duration.ofSeconds(30));
        Claims alive = new Claims(store, Duration.ofSeconds(30));
        Claims.Claim old = dead.tryClaim("t1").orElseThrow();
        Files.setLastModifiedTime(old.file(), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertTrue(alive.tryClaim("t1").isPresent(), "older than the lease: taken over");
        assertFalse(dead.renew(old), "the old owner learns it lost the claim");
        try (var files = Files.list(store.trialDir("t1"))) {
            assertEquals(List.of(Claims.CLAIM_FILE), files.map(f -> f.getFileName().toString()).toList());
        }
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
