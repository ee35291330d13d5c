package dev.sweeprunner.report;

import dev.sweeprunner.spec.Families;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.records.TrialRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable tables of a results directory, as data: summary (one row per
 * configuration, mean and std over seeds/folds), trials (one row per trial) and a trial's
 * classification report. Writers are {@link TableFormat}s.
 */
public final class Tables {
    /** Table 1's columns lead, so the CSV reads like the reference table. */
    private static final List<String> LEADING = List.of("model", "weights", "lr", "epochs", "dropout");
    private static final List<String> NUMERIC_SETTINGS = List.of("weights", "lr", "epochs", "dropout", "budget",
            "batch_size", "seed");
    /** What a cross-validation search varies. */
    private static final List<String> FOLD_SETTINGS = List.of("network", "lr", "batch_size", "epochs", "seed");
    /** What identifies a configuration beyond Table 1's columns. */
    private static final List<String> IDENTITY = List.of("arch", "budget", "network", "optimizer", "init",
            "batch_size");

    private Tables() {}

    public static Table summary(List<Group> groups) {
        Table.Builder table = settingColumns(new Table.Builder(), LEADING).number("n");
        for (Metric m : Metric.values()) {
            table.number(m.column() + "_mean").number(m.column() + "_std");
        }
        settingColumns(table, IDENTITY).text("seeds").text("trial_ids").text("device").text("group");
        for (Group g : groups) {
            List<String> row = settings(g.first(), LEADING);
            row.add(Integer.toString(g.n()));
            for (Metric m : Metric.values()) {
                Stats s = g.stats(m);
                row.add(m.formatStatistic(s.mean()));
                row.add(m.formatStatistic(s.std()));
            }
            row.addAll(settings(g.first(), IDENTITY));
            row.add(g.memberValues("seed"));
            row.add(String.join(" ", g.members().stream().map(t -> t.trial().trialId()).toList()));
            row.add(device(g.first()));
            row.add(g.id());
            table.row(row);
        }
        return table.build();
    }

    /**
     * folds.csv: one row per cross-validated configuration, its folds' best validation accuracy
     * as mean, std and best (with the fold that had it), the figures k-fold studies report.
     */
    public static Table folds(List<Group> groups) {
        Table.Builder table = settingColumns(new Table.Builder(), FOLD_SETTINGS).number("folds")
                .number("best_val_acc_mean").number("best_val_acc_std").number("best_val_acc_best").number("best_fold")
                .number("val_acc_mean").number("test_acc_mean").text("group");
        for (Group g : groups) {
            if (g.first().setting("fold").isEmpty()) {
                continue;
            }
            TrialSummary top = g.members().stream()
                    .max(java.util.Comparator.comparingDouble((TrialSummary t) -> t.value(Metric.BEST_VAL_ACC)))
                    .orElseThrow();
            List<String> row = settings(g.first(), FOLD_SETTINGS);
            row.add(Integer.toString(g.n()));
            Stats best = g.stats(Metric.BEST_VAL_ACC);
            row.add(Metric.BEST_VAL_ACC.formatStatistic(best.mean()));
            row.add(Metric.BEST_VAL_ACC.formatStatistic(best.std()));
            row.add(Metric.BEST_VAL_ACC.format(top.value(Metric.BEST_VAL_ACC)));
            row.add(top.trial().setting("fold"));
            row.add(Metric.VAL_ACC.formatStatistic(g.stats(Metric.VAL_ACC).mean()));
            row.add(Metric.TEST_ACC.formatStatistic(g.stats(Metric.TEST_ACC).mean()));
            row.add(g.id());
            table.row(row);
        }
        return table.build();
    }

    /** Every trial, completed or not; {@code group} links it to its summary row. */
    public static Table trials(List<TrialSummary> trials, List<Group> groups) {
        Table.Builder table = settingColumns(new Table.Builder(), LEADING);
        for (Metric m : Metric.values()) {
            table.number(m.column());
        }
        settingColumns(table, IDENTITY).number("seed").text("trial_id").text("group").text("device").text("status");
        Map<String, String> groupOf = new HashMap<>();
        groups.forEach(g -> g.members().forEach(m -> groupOf.put(m.trial().trialId(), g.id())));
        for (TrialSummary t : trials) {
            List<String> row = settings(t.trial(), LEADING);
            for (Metric m : Metric.values()) {
                row.add(m.format(t.value(m)));
            }
            row.addAll(settings(t.trial(), IDENTITY));
            row.add(t.trial().setting("seed"));
            row.add(t.trial().trialId());
            row.add(groupOf.getOrDefault(t.trial().trialId(), "")); // failed trials belong to no group
            row.add(device(t.trial()));
            row.add(t.trial().status().csvName());
            table.row(row);
        }
        return table.build();
    }

    /** A column per setting that varies over a search's configurations: numeric when every value is a number. */
    static Table.Builder settingColumns(Table.Builder table, SearchProgress search) {
        for (String key : search.varying()) {
            boolean numeric = search.configurations().stream().map(c -> c.setting(key)).filter(v -> !v.isEmpty())
                    .allMatch(Tables::isNumber);
            if (numeric) {
                table.number(key);
            } else {
                table.text(key);
            }
        }
        return table;
    }

    /**
     * search.csv: one row per configuration of a search, in the order the search proposed them:
     * the settings that vary between configurations, the objective, the best so far, the time spent
     * up to it (wall and estimated CPU), and where it stopped (epochs every trial reached, status).
     */
    public static Table search(SearchProgress search) {
        Table.Builder table = settingColumns(new Table.Builder().number("configuration"), search);
        table.text("network").number("params").number("n").number("objective").number("best_so_far")
                .number("training_time_s").number("cumulative_training_time_s").number("cumulative_cpu_s_est")
                .number("epochs_reached").text("status").number("test_acc").text("trial_ids");
        for (SearchProgress.Configuration c : search.configurations()) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(c.number()));
            search.varying().forEach(key -> row.add(c.setting(key)));
            row.add(c.first().network());
            row.add(Long.toString(c.first().params()));
            row.add(Integer.toString(c.trials().size()));
            row.add(EpochsCsv.metric(c.objective()));
            row.add(EpochsCsv.metric(c.bestSoFar()));
            row.add(Metric.TRAINING_TIME_S.format(c.trainingTimeS()));
            row.add(Metric.TRAINING_TIME_S.format(c.cumulativeTimeS()));
            row.add(Metric.TRAINING_TIME_S.format(c.cumulativeCpuS()));
            row.add(Integer.toString(c.epochs()));
            row.add(c.status().csvName());
            row.add(Metric.TEST_ACC.formatStatistic(c.stats(Metric.TEST_ACC).mean()));
            row.add(String.join(" ", c.trials().stream().map(t -> t.trial().trialId()).toList()));
            table.row(row);
        }
        return table.build();
    }

    static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * classes.csv: precision, recall, F1 and support per class on the test set, at the best and the
     * last epoch, each followed by the macro and weighted averages (scikit-learn's report).
     */
    public static Table classes(List<EpochConfusion> confusions) {
        Table.Builder table = new Table.Builder().text("at").number("epoch").text("class").number("precision")
                .number("recall").number("f1").number("support");
        for (EpochConfusion c : confusions) {
            List<ClassMetrics.ClassRow> rows = ClassMetrics.rows(c.matrix(), DatasetShape.CLASS_NAMES);
            List<ClassMetrics.ClassRow> all = new ArrayList<>(rows);
            long support = c.matrix().total();
            all.add(new ClassMetrics.ClassRow("macro avg", ClassMetrics.macro(rows, ClassMetrics.ClassRow::precision),
                    ClassMetrics.macro(rows, ClassMetrics.ClassRow::recall),
                    ClassMetrics.macro(rows, ClassMetrics.ClassRow::f1), support));
            all.add(new ClassMetrics.ClassRow("weighted avg",
                    ClassMetrics.weighted(rows, ClassMetrics.ClassRow::precision),
                    ClassMetrics.weighted(rows, ClassMetrics.ClassRow::recall),
                    ClassMetrics.weighted(rows, ClassMetrics.ClassRow::f1), support));
            for (ClassMetrics.ClassRow r : all) {
                table.row(List.of(c.at().csvName(), Integer.toString(c.epoch()), r.name(),
                        EpochsCsv.metric(r.precision()), EpochsCsv.metric(r.recall()),
                        EpochsCsv.metric(r.f1()), Long.toString(r.support())));
            }
        }
        return table.build();
    }

    private static Table.Builder settingColumns(Table.Builder table, List<String> keys) {
        keys.forEach(k -> {
            if (NUMERIC_SETTINGS.contains(k)) {
                table.number(k);
            } else {
                table.text(k);
            }
        });
        return table;
    }

    private static List<String> settings(TrialRecord trial, List<String> keys) {
        List<String> values = new ArrayList<>();
        for (String key : keys) {
            values.add(switch (key) {
                case "model" -> Families.title(trial.setting("arch"));
                case "weights" -> Long.toString(trial.params());
                case "network" -> trial.network();
                default -> trial.setting(key);
            });
        }
        return values;
    }

    private static String device(TrialRecord trial) {
        return trial.provenance() == null ? "" : trial.provenance().device();
    }
}
