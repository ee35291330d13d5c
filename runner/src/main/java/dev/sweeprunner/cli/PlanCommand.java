package dev.sweeprunner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.spec.SearchSpec;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.plan.TrialFilter;
import dev.sweeprunner.train.Evaluator;
import dev.sweeprunner.spec.Precision;
import dev.sweeprunner.spec.TrialField;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "plan", description = "Validate an experiment, expand its grid and size every network (no training).")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    PlanOptions planning;

    @Option(names = "--json", description = "print a JSON array of trials")
    boolean json;

    @Option(names = "--only", paramLabel = "KEY=VALUE[,VALUE]", description = "show only the trials with these "
            + "settings (repeatable; as sweep --only)")
    List<String> only = List.of();

    @Override
    public Integer call() throws Exception {
        Plan whole = planning.plan(planning.spec());
        Plan plan = new Plan(whole.spec(), TrialFilter.parse(only).select(whole.trials()), whole.collapsedDuplicates());
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Trial trial : plan.trials()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("trial_id", trial.id());
                row.put("arch", trial.config().arch().yamlName());
                row.put("budget", trial.config().budget());
                row.put("params", trial.params());
                row.put("network", trial.network().describe());
                row.put("widths", trial.network().widths());
                row.put("eval_batch", Evaluator.batchSize(trial.network()));
                row.putAll(trial.config().toMap());
                row.put("config_hash", trial.configHash());
                rows.add(row);
            }
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
            return 0;
        }
        // one write at the end, not a flush per line (System.out flushes every printf): 10,000 trials in 10 ms
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        out.printf(Locale.ROOT, "%s: %s%d trials%s%n", plan.spec().name(),
                plan.trials().size() == whole.trials().size() ? "" : plan.trials().size() + " of ", whole.trials().size(),
                plan.collapsedDuplicates() == 0 ? ""
                        : " (" + plan.collapsedDuplicates() + " duplicate combinations collapsed)");
        for (Trial t : plan.trials()) {
            out.append(line(t)).append(System.lineSeparator());
        }
        SearchSpec search = plan.spec().search();
        if (search.strategy() == SearchSpec.Strategy.TPE && search.trials() > search.startupTrials()) {
            out.printf(Locale.ROOT, "then %d more configurations, each proposed by TPE from the results "
                    + "before it (objective: %s)%n", search.trials() - search.startupTrials(),
                    search.objective().describe());
        }
        search.withMaxEpochs(plan.trials().isEmpty() ? null : plan.trials().get(0).config().epochs()).asha()
                .ifPresent(asha -> out.printf(Locale.ROOT, "%s; each configuration trains to %d epoch(s) first%n",
                        asha.describe(), asha.rungs().get(0)));
        out.flush();
        return 0;
    }

    /**
     * One trial's line, as {@link #LINE} formats it. Built by hand: String.format parses its pattern
     * for every one of 10,000 lines, a fifth of a plan's wall time (CliTest checks both agree).
     */
    static String line(Trial t) {
        var c = t.config();
        boolean generated = c.values().containsKey(TrialField.DROPOUT); // explicit layers carry their own
        StringBuilder b = new StringBuilder(160);
        left(b, Integer.toString(t.index() + 1), 3).append("  ").append(t.id()).append("  ");
        right(b, c.arch().yamlName(), 3).append("  budget ");
        left(b, c.budget() == null ? "-" : c.budget().toString(), 9).append("  params ");
        left(b, grouped(t.params()), 9).append("  ");
        right(b, t.network().describe(), 22).append(' ');
        right(b, c.optimizer().yamlName(), 7).append(" lr ");
        right(b, Double.toString(c.lr()), 7).append(' ').append(c.init().yamlName())
                .append(" dropout ").append(generated ? Double.toString(c.dropout()) : "-")
                .append(" bn ").append(generated ? Boolean.toString(c.batchNorm()) : "-")
                .append(" batch ").append(c.batchSize()).append(" epochs ").append(c.epochs())
                .append(" seed ").append(c.seed());
        if (c.fold() != null) {
            b.append(" fold ").append(c.fold()).append('/').append(c.folds());
        }
        if (c.precision() != Precision.FP32) {
            b.append(' ').append(c.precision().yamlName());
        }
        return b.toString();
    }

    /** What {@link #line} writes, as a format: the specification the test holds it to. */
    static final String LINE = "%3d  %s  %-3s  budget %9s  params %,9d  %-22s %-7s lr %-7s %s dropout %s bn %s batch %d "
            + "epochs %d seed %d%s%s";

    private static StringBuilder left(StringBuilder b, String text, int width) {
        b.append(" ".repeat(Math.max(0, width - text.length())));
        return b.append(text);
    }

    private static StringBuilder right(StringBuilder b, String text, int width) {
        b.append(text);
        return b.append(" ".repeat(Math.max(0, width - text.length())));
    }

    /** 99,987: thousands separated by commas, as %,d in Locale.ROOT. */
    private static String grouped(long n) {
        String digits = Long.toString(Math.abs(n));
        StringBuilder b = new StringBuilder(n < 0 ? "-" : "");
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                b.append(',');
            }
            b.append(digits.charAt(i));
        }
        return b.toString();
    }
}
