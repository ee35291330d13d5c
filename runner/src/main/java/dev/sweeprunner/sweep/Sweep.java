package dev.sweeprunner.sweep;

import dev.sweeprunner.train.Checkpoint;
import dev.sweeprunner.train.TrialRunner;
import dev.sweeprunner.train.ProgressListener;
import dev.sweeprunner.UserError;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Shard;
import dev.sweeprunner.plan.TrialFilter;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.AtomicFiles;
import dev.sweeprunner.records.Claims;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.search.TrialSource;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs a plan: picks the trials still to run (skipping completed ones, and failed ones unless
 * asked), claims each before it runs so that no two sweeps on one directory run the same trial,
 * hands them to its runners (worker JVMs, N at a time), applies the failure policy, and tells its
 * {@link SweepListener} when a slot runs out of work and when the sweep ends (the caller writes
 * the report then: the sweep knows nothing of reports). Ctrl-C or SIGTERM stops the running trials at the next batch; they
 * are recorded as interrupted and the next sweep runs them again.
 */
public final class Sweep {
    /**
     * How long a claim lives without renewal, for claims whose owner's life cannot be checked (another
     * host, an older claim file): that crashed sweep's trials are free again after this. A dead owner
     * on this host frees them at once (see {@link Claims}).
     */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);
    /** How long Ctrl-C waits for running trials to record themselves. */
    private static final long STOP_GRACE_SECONDS = 120;

    /**
     * What to run and how. {@code workers} = trials at once, each in its own JVM (0: in this JVM,
     * without isolation); {@code maxFailures} = stop starting trials after this many failed. Built
     * once, by {@link #builder}, whose fields hold the defaults.
     */
    public record Options(Path resultsDir, boolean fresh, boolean progress, int workers, Shard shard,
            TrialFilter selection, boolean retryFailed, int maxFailures, boolean failFast, Duration lease) {
        public static Builder builder(Path resultsDir) {
            return new Builder(resultsDir);
        }
    }

    /** Every option's default, in one place. */
    public static final class Builder {
        private final Path resultsDir;
        private boolean fresh;
        private boolean progress;
        private int workers = 1;
        private Shard shard = Shard.ALL;
        private TrialFilter selection = TrialFilter.ALL;
        private boolean retryFailed;
        private int maxFailures = Integer.MAX_VALUE;
        private boolean failFast;
        private Duration lease = DEFAULT_LEASE;

        private Builder(Path resultsDir) {
            this.resultsDir = resultsDir;
        }

        public Builder fresh(boolean value) {
            fresh = value;
            return this;
        }

        public Builder progress(boolean value) {
            progress = value;
            return this;
        }

        public Builder workers(int value) {
            workers = value;
            return this;
        }

        public Builder shard(Shard value) {
            shard = value;
            return this;
        }

        public Builder selection(TrialFilter value) {
            selection = value;
            return this;
        }

        public Builder retryFailed(boolean value) {
            retryFailed = value;
            return this;
        }

        /** Start no new trial after {@code max} failures; with {@code fast}, stop the running ones at the first. */
        public Builder failurePolicy(int max, boolean fast) {
            maxFailures = max;
            failFast = fast;
            return this;
        }

        public Builder lease(Duration value) {
            lease = value;
            return this;
        }

        public Options build() {
            return new Options(resultsDir, fresh, progress, workers, shard, selection, retryFailed, maxFailures,
                    failFast, lease);
        }
    }

    /** How the sweep's trials ended; {@code skipped} were done before, {@code elsewhere} claimed by another sweep. */
    public record Outcome(int completed, int diverged, int failed, int interrupted, int skipped, int elsewhere,
            int pruned) {
        public Outcome(int completed, int diverged, int failed, int interrupted, int skipped, int elsewhere) {
            this(completed, diverged, failed, interrupted, skipped, elsewhere, 0);
        }

        @Override
        public String toString() {
            return String.format("%d completed, %s%d diverged, %d failed, %d interrupted; %d done before, "
                    + "%d run by another sweep", completed, pruned > 0 ? pruned + " stints stopped at a rung, " : "",
                    diverged, failed, interrupted, skipped, elsewhere);
        }
    }

    /** Makes the runner for one slot of the sweep (a worker JVM, or this JVM). */
    @FunctionalInterface
    public interface RunnerFactory {
        /**
         * {@code slotsForPlan}: the trials the whole plan would run at once, min(workers, plan size),
         * whatever the shard, the selection or what is left to run: each slot's share of the cores
         * follows from it, and so must be the same for every layout of the plan (same thread count,
         * same bits).
         */
        TrialRunner create(Plan plan, TrialStore store, ProgressListener progress, int slotsForPlan);
    }

    private final PrintStream out;
    private final RunnerFactory runners;
    private final SweepListener listener;

    public Sweep(PrintStream out, RunnerFactory runners) {
        this(out, runners, SweepListener.NONE);
    }

    public Sweep(PrintStream out, RunnerFactory runners, SweepListener listener) {
        this.out = out;
        this.runners = runners;
        this.listener = listener;
    }

    private static String selectionLabel(Options options) {
        List<String> parts = new ArrayList<>();
        if (!options.shard().equals(Shard.ALL)) {
            parts.add("Shard " + options.shard());
        }
        options.selection().wanted().forEach((key, values) -> parts.add("--only " + key + "=" + String.join(",", values)));
        return String.join(", ", parts);
    }

    public Outcome run(Plan plan, Options options) {
        return run(plan, options, null);
    }

    /**
     * {@code proposer}: a search that proposes the trials while the sweep runs (TPE), given the
     * records so far; the slots pull from it instead of the plan's list. Null = the plan's trials.
     */
    public Outcome run(Plan plan, Options options, TrialSource proposer) {
        if (options.fresh()) {
            refuseWhileInUse(options);
            moveAside(options.resultsDir());
        }
        TrialStore store = new TrialStore(options.resultsDir());
        keepExperimentFile(plan, options.resultsDir());
        List<Trial> mine = options.shard().of(options.selection().select(plan.trials()));
        if (!options.shard().equals(Shard.ALL) || !options.selection().equals(TrialFilter.ALL)) {
            out.printf("%s: %d of the plan's %d trials%n", selectionLabel(options), mine.size(), plan.trials().size());
        }
        Map<TrialStatus, AtomicInteger> ended = new EnumMap<>(TrialStatus.class);
        for (TrialStatus status : TrialStatus.values()) {
            ended.put(status, new AtomicInteger());
        }
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger elsewhere = new AtomicInteger();
        List<Trial> pending = proposer == null ? select(plan, mine, store, options.retryFailed(), skipped) : List.of();
        // Ctrl-C / SIGTERM: stop the running trials, then let this method finish (sweep-end listener included)
        CountDownLatch finished = new CountDownLatch(1);
        Dispatch dispatch = new Dispatch(plan, store, options, ended, skipped, elsewhere);
        Thread hook = new Thread(() -> {
            dispatch.stopAll("stopping: running trials keep their finished epochs and end interrupted");
            awaitQuietly(finished);
        }, "sweep-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (proposer != null) {
                int count = Math.max(1, options.workers());
                out.printf("Running trials as the search proposes them, %d at a time%s%n", count,
                        options.workers() == 0 ? " in this JVM" : " in worker JVMs");
                dispatch.run(proposer, count, count, null);
            } else if (!pending.isEmpty()) {
                int count = Math.max(1, Math.min(options.workers(), pending.size()));
                long epochs = pending.stream().mapToLong(t -> t.config().epochs()).sum();
                // one bar needs one stream of progress: with several workers the per-epoch lines suffice
                ProgressListener progress = options.progress() && count == 1
                        ? new ProgressListener(pending.size(), epochs) : null;
                out.printf("Running %d trial(s), %d at a time%s%n", pending.size(), count,
                        options.workers() == 0 ? " in this JVM" : " in worker JVMs");
                int slotsForPlan = Math.max(1, Math.min(options.workers(), plan.trials().size()));
                dispatch.run(TrialSource.of(startOrder(pending, count)), count, slotsForPlan, progress);
            } else {
                out.println("Nothing to run: every trial is done" + (options.retryFailed() ? " or never started"
                        : "") + "; --fresh measures again.");
            }
            listener.onSweepEnd(plan, store);
        } finally {
            dispatch.closeRunners();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and has waited for us
            }
        }
        return new Outcome(ended.get(TrialStatus.COMPLETED).get(), ended.get(TrialStatus.DIVERGED).get(),
                ended.get(TrialStatus.FAILED).get(), ended.get(TrialStatus.INTERRUPTED).get(), skipped.get(),
                elsewhere.get(), ended.get(TrialStatus.PRUNED).get());
    }

    /**
     * The trials to run, in plan order. Completed and diverged ones are done; failed ones are final
     * unless {@code retryFailed}, which runs only the failed and the interrupted ones.
     */
    private List<Trial> select(Plan plan, List<Trial> trials, TrialStore store, boolean retryFailed,
            AtomicInteger skipped) {
        List<Trial> pending = new ArrayList<>();
        int neverStarted = 0;
        for (Trial trial : trials) {
            String label = String.format("[%d/%d] trial %s", trial.index() + 1, plan.trials().size(), trial.id());
            Optional<TrialStore.Damage> damage = store.damage(trial.id());
            if (damage.isPresent()) { // moved aside once claimed (TrialStore.moveAsideIfDamaged)
                out.printf("%s: damaged record %s; it runs again%n", label, damage.get());
                pending.add(trial);
                continue;
            }
            Optional<TrialRecord> earlier = store.read(trial.id()).filter(r -> r.configHash().equals(trial.configHash()));
            if (earlier.isEmpty()) {
                if (retryFailed) {
                    neverStarted++;
                } else {
                    pending.add(trial);
                }
                continue;
            }
            TrialRecord r = earlier.get();
            switch (r.status()) {
                case COMPLETED -> {
                    out.printf("%s already completed (%s); skipped%n", label, r.finishedAt());
                    skipped.incrementAndGet();
                }
                case FAILED, DIVERGED -> {
                    if (retryFailed && r.status() == TrialStatus.FAILED) {
                        out.printf("%s failed earlier (%s); %s%n", label, r.error(), restart(store, trial));
                        pending.add(trial);
                    } else {
                        out.printf("%s %s earlier (%s); skipped%s%n", label, r.status().csvName(), r.error(),
                                r.status() == TrialStatus.FAILED ? " (--retry-failed runs it again)" : "");
                        skipped.incrementAndGet();
                    }
                }
                case PRUNED -> {
                    out.printf("%s was pruned by ASHA after %d epoch(s); skipped (an ASHA sweep of this "
                            + "experiment continues it if it is promoted)%n", label, r.epochsCompleted());
                    skipped.incrementAndGet();
                }
                case RUNNING, INTERRUPTED -> {
                    out.printf("%s was %s after %d epoch(s); %s%n", label,
                            r.status() == TrialStatus.RUNNING ? "stopped" : "interrupted",
                            store.readEpochs(trial.id()).size(), restart(store, trial));
                    pending.add(trial);
                }
            }
        }
        if (neverStarted > 0) {
            out.printf("--retry-failed: %d trial(s) never started are left for a plain sweep%n", neverStarted);
        }
        return pending;
    }

    /** Where a trial that runs again starts: after its checkpoint's epoch, or from the first. */
    private static String restart(TrialStore store, Trial trial) {
        Checkpoint.Lookup lookup = Checkpoint.find(store, trial);
        return lookup.checkpoint().map(c -> "it continues after epoch " + c.state().epoch() + " (checkpoint)")
                .orElseGet(() -> "it runs again from epoch 1" + lookup.problem().map(p -> " (" + p + ")").orElse(""));
    }

    /**
     * One slot runs trials in plan order (first results first). Several take the costliest first
     * (longest-processing-time order, ties in plan order), so that no long trial starts last while
     * the other slots sit idle.
     */
    static List<Trial> startOrder(List<Trial> pending, int slots) {
        return slots == 1 ? pending
                : pending.stream().sorted(Comparator.comparingDouble(Trial::estimatedWork).reversed()).toList();
    }

    /** One sweep's run of its pending trials over its slots. */
    private final class Dispatch {
        private final Plan plan;
        private final TrialStore store;
        private final Options options;
        private final Claims claims;
        private final Map<TrialStatus, AtomicInteger> ended;
        private final AtomicInteger skipped;
        private final AtomicInteger elsewhere;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Set<Claims.Claim> held = ConcurrentHashMap.newKeySet();
        private final List<TrialRunner> slots = new ArrayList<>();
        /** Slots with a trial in hand. */
        private final AtomicInteger training = new AtomicInteger();
        private final AtomicBoolean firstIdleTaken = new AtomicBoolean();
        private volatile TrialSource source;

        Dispatch(Plan plan, TrialStore store, Options options, Map<TrialStatus, AtomicInteger> ended,
                AtomicInteger skipped, AtomicInteger elsewhere) {
            this.plan = plan;
            this.store = store;
            this.options = options;
            this.claims = new Claims(store, options.lease());
            this.ended = ended;
            this.skipped = skipped;
            this.elsewhere = elsewhere;
        }

        /**
         * {@code slotsForPlan}: min(workers, plan size) for a list of trials, the slots for a search
         * that proposes them as it goes (its plan lists only the first ones).
         */
        void run(TrialSource source, int count, int slotsForPlan, ProgressListener progress) {
            this.source = source;
            long renewMillis = Math.max(1, options.lease().toMillis() / 3);
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(daemon("claim-lease"));
            heartbeat.scheduleAtFixedRate(() -> held.forEach(claims::renew), renewMillis, renewMillis,
                    TimeUnit.MILLISECONDS);
            ExecutorService pool = Executors.newFixedThreadPool(count, daemon("sweep-slot"));
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    TrialRunner runner = runners.create(plan, store, progress, slotsForPlan);
                    synchronized (slots) {
                        slots.add(runner);
                        if (stopping.get()) {
                            runner.stop();
                        }
                    }
                    work.add(pool.submit(() -> {
                        try {
                            TrialSource.Assignment next;
                            while (!stopping.get() && (next = nextTrial(source)) != null) {
                                try {
                                    runClaimed(next.trial(), next.lastEpoch(), runner);
                                } finally {
                                    training.decrementAndGet();
                                    source.ended(next.trial());
                                }
                            }
                        } catch (RuntimeException e) {
                            stopAll("stopping: " + e.getMessage()); // e.g. a user error: the other slots stop too
                            throw e;
                        } finally {
                            runner.finishInput(); // its JVM exits while the others train or the report is written
                        }
                        firstIdle();
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    rethrow(f);
                }
            } finally {
                pool.shutdownNow();
                heartbeat.shutdownNow();
                held.forEach(claims::release);
            }
        }

        private TrialSource.Assignment nextTrial(TrialSource source) throws InterruptedException {
            TrialSource.Assignment next = source.next();
            if (next != null) {
                training.incrementAndGet();
            }
            return next;
        }

        /**
         * The first slot left without work while others still train tells the listener: the core
         * it freed can do end-of-sweep work early (the CLI writes a preview report there).
         */
        private void firstIdle() {
            if (stopping.get() || training.get() == 0 || !firstIdleTaken.compareAndSet(false, true)) {
                return;
            }
            listener.onFirstIdleSlot(plan, store);
        }

        private void runClaimed(Trial trial, int lastEpoch, TrialRunner runner) {
            Optional<Claims.Claim> claim = claims.tryClaim(trial.id());
            if (claim.isEmpty()) {
                out.printf("[%d/%d] trial %s is being run by another sweep (%s); skipped%n", trial.index() + 1,
                        plan.trials().size(), trial.id(), claims.holder(trial.id()).orElse("?"));
                elsewhere.incrementAndGet();
                return;
            }
            held.add(claim.get());
            try {
                store.moveAsideIfDamaged(trial.id()).ifPresent(line -> out.printf("[%d/%d] trial %s: %s%n",
                        trial.index() + 1, plan.trials().size(), trial.id(), line));
                // another sweep may have finished it (or this stint of it) between our listing and our claim
                Optional<TrialRecord> now = store.read(trial.id());
                if (now.filter(r -> r.configHash().equals(trial.configHash()) && doneFor(r, trial, lastEpoch))
                        .isPresent()) {
                    skipped.incrementAndGet();
                    return;
                }
                TrialStatus status = runner.run(trial, lastEpoch);
                ended.get(status).incrementAndGet();
                if (status == TrialStatus.FAILED) {
                    applyFailurePolicy();
                }
            } finally {
                held.remove(claim.get());
                claims.release(claim.get());
            }
        }

        /**
         * Completed at this length, or (scheduled trials) already trained to this stint's last
         * epoch. A scheduled trial completed at a smaller max_epochs is continued.
         */
        private static boolean doneFor(TrialRecord r, Trial trial, int lastEpoch) {
            if (!trial.config().scheduled()) {
                return r.status() == TrialStatus.COMPLETED;
            }
            Object planned = r.config().get(dev.sweeprunner.spec.TrialField.EPOCHS.key());
            boolean sameLength = planned instanceof Number n && n.intValue() == trial.config().epochs();
            return r.status() == TrialStatus.COMPLETED && sameLength
                    || (r.status() == TrialStatus.PRUNED || r.status() == TrialStatus.COMPLETED)
                            && r.epochsCompleted() >= lastEpoch;
        }

        private void applyFailurePolicy() {
            int failed = ended.get(TrialStatus.FAILED).get();
            if (options.failFast()) {
                stopAll("--fail-fast: a trial failed; stopping the others");
            } else if (failed >= options.maxFailures() && stopping.compareAndSet(false, true)) {
                out.printf("--max-failures %d reached: no new trials start; running ones finish%n",
                        options.maxFailures());
                source.stop();
            }
        }

        /** Waits for every slot's runner to end (worker JVMs to exit). */
        void closeRunners() {
            List<TrialRunner> all;
            synchronized (slots) {
                all = List.copyOf(slots); // not held while waiting: Ctrl-C must still reach stopAll
            }
            all.forEach(TrialRunner::close);
        }

        private void stopAll(String why) {
            if (stopping.compareAndSet(false, true)) {
                out.println(why);
            }
            synchronized (slots) {
                slots.forEach(TrialRunner::stop);
            }
            TrialSource waiting = source;
            if (waiting != null) {
                waiting.stop(); // a slot waiting for the search's next proposal returns
            }
        }
    }

    private static void rethrow(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Whether a live progress bar makes sense: a terminal, not CI (see {@link ProgressListener}). */
    public static boolean interactive() {
        return ProgressListener.interactive();
    }

    /**
     * A copy of the experiment file beside its results: what was asked for stays with what was
     * measured, and {@code runner report DIR} takes the experiment's name and description from it.
     */
    private static void keepExperimentFile(Plan plan, Path resultsDir) {
        if (!Files.isRegularFile(plan.spec().file())) {
            return; // a spec built in memory (tests) has no file to keep
        }
        try {
            String text = Files.readString(plan.spec().file());
            AtomicFiles.write(resultsDir.resolve(TrialStore.EXPERIMENT_YAML), writer -> writer.write(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + plan.spec().file() + " to " + resultsDir, e);
        }
    }

    /**
     * {@code --fresh} must not move a directory another sweep is writing: that sweep would train on
     * into the moved directory and write its report into the new one. (A sweep that starts between
     * this check and the move is not seen: starting two sweeps on one directory at the same moment,
     * one of them with --fresh, is asking for both.)
     */
    private static void refuseWhileInUse(Options options) {
        List<String> holders = new Claims(new TrialStore(options.resultsDir()), options.lease()).liveHolders();
        if (!holders.isEmpty()) {
            throw new UserError("--fresh: " + options.resultsDir() + " is in use by a running sweep ("
                    + String.join(", ", holders) + "); let it end or stop it first");
        }
    }

    /** {@code --fresh}: earlier results move to a dated sibling directory; nothing is deleted. */
    private void moveAside(Path resultsDir) {
        if (!Files.isDirectory(resultsDir) || isEmpty(resultsDir)) {
            return;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = resultsDir.resolveSibling(resultsDir.getFileName() + ".before-" + stamp);
        try {
            Files.move(resultsDir, target);
        } catch (IOException e) {
            throw new UserError("--fresh: cannot move " + resultsDir + " aside to " + target + " (" + e.getMessage() + ")");
        }
        out.println("--fresh: earlier results moved to " + target);
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
