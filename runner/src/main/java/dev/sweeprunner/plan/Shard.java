package dev.sweeprunner.plan;

import dev.sweeprunner.UserError;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard I of N (1-based) of a plan: every N-th trial in plan order, starting at the I-th. Plan
 * order comes from the experiment file alone, so every machine given the same file and overrides
 * computes the same split, and the N shards together are the plan, each trial exactly once.
 */
public record Shard(int index, int count) {
    /** The whole plan. */
    public static final Shard ALL = new Shard(1, 1);
    /** Kubernetes Indexed Jobs give the index only; the count comes from this variable or --shard-count. */
    public static final String COUNT_VARIABLE = "SWEEP_SHARD_COUNT";

    private static final Pattern FRACTION = Pattern.compile("(\\d+)/(\\d+)");

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new UserError("--shard: " + index + "/" + count + " is not a shard (I/N with 1 <= I <= N)");
        }
    }

    public boolean contains(Trial trial) {
        return trial.index() % count == index - 1;
    }

    public List<Trial> of(List<Trial> trials) {
        return trials.stream().filter(this::contains).toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }

    /**
     * "I/N", or "auto": Slurm job arrays (SLURM_ARRAY_TASK_ID, _MIN, _COUNT) or Kubernetes
     * Indexed Jobs (JOB_COMPLETION_INDEX, 0-based; the count from {@code countOverride} or
     * {@value #COUNT_VARIABLE}).
     */
    public static Shard parse(String text, Integer countOverride, Map<String, String> env) {
        Matcher m = FRACTION.matcher(text.trim());
        if (m.matches()) {
            return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (!text.trim().equals("auto")) {
            throw new UserError("--shard: expected I/N (e.g. 2/4) or auto, got '" + text + "'");
        }
        if (env.containsKey("SLURM_ARRAY_TASK_ID")) {
            int task = number(env, "SLURM_ARRAY_TASK_ID");
            int min = env.containsKey("SLURM_ARRAY_TASK_MIN") ? number(env, "SLURM_ARRAY_TASK_MIN") : 0;
            int count = countOverride != null ? countOverride : number(env, "SLURM_ARRAY_TASK_COUNT");
            return new Shard(task - min + 1, count);
        }
        if (env.containsKey("JOB_COMPLETION_INDEX")) {
            if (countOverride == null && !env.containsKey(COUNT_VARIABLE)) {
                throw new UserError("--shard auto: JOB_COMPLETION_INDEX is set but not the shard count; set "
                        + COUNT_VARIABLE + " (= the Job's completions) or --shard-count");
            }
            int count = countOverride != null ? countOverride : number(env, COUNT_VARIABLE);
            return new Shard(number(env, "JOB_COMPLETION_INDEX") + 1, count);
        }
        throw new UserError("--shard auto: neither SLURM_ARRAY_TASK_ID (Slurm job array) nor JOB_COMPLETION_INDEX "
                + "(Kubernetes Indexed Job) is set; give --shard I/N");
    }

    private static int number(Map<String, String> env, String name) {
        String value = env.get(name);
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--shard auto: " + name + "='" + value + "' is not a whole number");
        }
    }
}
