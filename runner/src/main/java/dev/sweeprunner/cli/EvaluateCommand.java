package dev.sweeprunner.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.sweeprunner.UserError;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.CanonicalJson;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Sizing;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.TrainingData;
import dev.sweeprunner.train.Evaluator;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", description = {
    "Load each completed trial's best.params into a fresh network, evaluate the test set, record the result "
            + "as best_weights in its trial.json and regenerate the report: checks saved weights, and fills "
            + "best_weights for trials recorded without it."})
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULTS_DIR", description = "a results directory, e.g. results/study-d-deep-mlp")
    Path dir;

    @Option(names = "--device", description = "auto | cpu | gpu (default: ${DEFAULT-VALUE})", defaultValue = "auto",
            converter = SweepCommand.DeviceConverter.class)
    DeviceChoice device;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() {
        TrialStore store = new TrialStore(dir);
        Path experimentFile = dir.resolve(TrialStore.EXPERIMENT_YAML);
        if (!Files.isRegularFile(experimentFile)) {
            throw new UserError(experimentFile + ": missing (every sweep keeps a copy of its experiment file there)");
        }
        ExperimentSpec spec = SpecParser.parse(experimentFile);
        Device target = device.resolve(Engine.getInstance());
        FashionMnist mnist = FashionMnist.load(data.locate(spec.data().dir()).dir(), true);
        TrainingData arrays = null;
        TrainingData.Partition partition = null;
        int evaluated = 0;
        int unloadable = 0;
        try {
            for (TrialRecord record : store.readAll()) {
                Path parameters = store.trialDir(record.trialId()).resolve(TrialStore.BEST_PARAMS);
                if (record.status() != TrialStatus.COMPLETED || !Files.isRegularFile(parameters)) {
                    System.out.println(record.trialId() + ": skipped ("
                            + (record.status() != TrialStatus.COMPLETED ? record.status().csvName() : "no best.params") + ")");
                    continue;
                }
                Optional<Trial> trial = recorded(record);
                if (trial.isEmpty()) {
                    continue;
                }
                List<EpochRecord> epochs = store.readEpochs(record.trialId());
                Optional<EpochRecord> bestRow = EpochRecord.best(epochs, trial.get().config().bestBy());
                if (bestRow.isEmpty()) {
                    System.out.println(record.trialId() + ": skipped (no epoch rows in " + TrialStore.EPOCHS_CSV + ")");
                    continue;
                }
                EpochRecord best = bestRow.get();
                TrainingData.Partition needed = TrainingData.Partition.of(trial.get().config());
                if (!needed.equals(partition)) {
                    if (arrays != null) {
                        arrays.close();
                    }
                    arrays = TrainingData.create(mnist, needed, target);
                    partition = needed;
                }
                boolean stoppedEarly = epochs.size() < trial.get().config().epochs();
                BestWeights weights;
                try {
                    weights = Evaluator.evaluateSaved(target, trial.get(), best, stoppedEarly,
                            Files.readAllBytes(parameters), arrays.test());
                } catch (java.io.IOException | Evaluator.UnloadableParameters e) {
                    // one bad file must not stop the others nor the report; the exit code says it happened
                    System.err.println("error: " + parameters + ": does not load (" + e.getMessage() + "); trial skipped");
                    unloadable++;
                    continue;
                }
                store.write(record.withBestWeights(weights));
                evaluated++;
                System.out.printf(Locale.ROOT, "%s: best epoch %d by %s: test acc %.4f, loss %.4f with best.params "
                        + "(the epoch recorded %.4f, %.4f)%n", record.trialId(), weights.epoch(), weights.bestBy(),
                        weights.testAcc(), weights.testLoss(), best.testAcc(), best.testLoss());
            }
        } finally {
            if (arrays != null) {
                arrays.close();
            }
        }
        Report.write(store, Report.load(store, spec.name(), spec.description()), System.err);
        System.out.println("Evaluated " + evaluated + " trial(s); report regenerated in " + dir);
        if (unloadable > 0) {
            throw new UserError(unloadable + " best.params file(s) did not load (listed above); their trials keep "
                    + "what was recorded");
        }
        return 0;
    }

    /**
     * The trial as it was run, from the resolved config its trial.json records (what its id was
     * hashed from), network included: no re-planning, so smoke runs (--epochs, --train-limit) and
     * trials since removed from the experiment file evaluate too.
     */
    private static Optional<Trial> recorded(TrialRecord record) {
        try {
            Trial trial = Planner.trial(record.planIndex(), CanonicalJson.decode(record.config()));
            if (trial.configHash().equals(record.configHash())) {
                return Optional.of(trial);
            }
            System.out.println(record.trialId() + ": skipped (its recorded config does not hash to its config_hash)");
        } catch (CanonicalJson.Invalid | Sizing.Impossible | Network.Invalid e) {
            System.out.println(record.trialId() + ": skipped (its recorded config: " + e.getMessage() + ")");
        }
        return Optional.empty();
    }
}
