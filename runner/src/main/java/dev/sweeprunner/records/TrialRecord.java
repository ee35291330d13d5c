package dev.sweeprunner.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code trial.json} holds about one trial: resolved config, sized network, status,
 * timings and provenance. Written at the start (running) and end (completed/failed) of a trial.
 */
public record TrialRecord(
        String trialId,
        String configHash,
        String experiment,
        int planIndex,
        Map<String, Object> config,
        long params,
        List<Integer> widths,
        String network,
        TrialStatus status,
        int epochsCompleted,
        double trainingTimeS,
        String startedAt,
        String finishedAt,
        String error,
        Provenance provenance,
        @JsonInclude(JsonInclude.Include.NON_NULL) BestWeights bestWeights) {

    public TrialRecord {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config)); // keeps the key order
        widths = List.copyOf(widths);
    }

    public TrialRecord finished(TrialStatus newStatus, int epochs, double seconds, String finishTime, String errorMessage) {
        return new TrialRecord(trialId, configHash, experiment, planIndex, config, params, widths, network, newStatus,
                epochs, seconds, startedAt, finishTime, errorMessage, provenance, bestWeights);
    }

    public TrialRecord withBestWeights(BestWeights best) {
        return new TrialRecord(trialId, configHash, experiment, planIndex, config, params, widths, network, status,
                epochsCompleted, trainingTimeS, startedAt, finishedAt, error, provenance, best);
    }

    /** A config value as text ("" when the setting does not apply), for CSV context columns. */
    public String setting(String key) {
        Object value = config.get(key);
        return value == null ? "" : String.valueOf(value);
    }
}
