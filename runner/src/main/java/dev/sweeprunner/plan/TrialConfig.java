package dev.sweeprunner.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.spec.Arch;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.InitKind;
import dev.sweeprunner.spec.OptimizerKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of one trial, resolved (defaults applied, inapplicable settings null). Its
 * canonical JSON is what the trial id and config hash are computed from.
 */
public record TrialConfig(
        Arch arch,
        Long budget,
        Integer hiddenLayers,
        Integer convBlocks,
        OptimizerKind optimizer,
        double lr,
        Double momentum,
        double weightDecay,
        InitKind init,
        double dropout,
        boolean batchNorm,
        int batchSize,
        int epochs,
        long seed,
        DataSettings data,
        Integer trainLimit) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Ten hex digits: a collision needs ~10^6 trials in one experiment to become likely. */

    /** Network depth for the trial's architecture. */
    public int depth() {
        return arch == Arch.FCN ? hiddenLayers : convBlocks;
    }

    /** Snake-case keys as in the experiment file, in a fixed order; nulls are left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("arch", arch.yamlName());
        putIfSet(map, "budget", budget);
        putIfSet(map, "hidden_layers", hiddenLayers);
        putIfSet(map, "conv_blocks", convBlocks);
        map.put("optimizer", optimizer.yamlName());
        map.put("lr", lr);
        putIfSet(map, "momentum", momentum);
        map.put("weight_decay", weightDecay);
        map.put("init", init.yamlName());
        map.put("dropout", dropout);
        map.put("batch_norm", batchNorm);
        map.put("batch_size", batchSize);
        map.put("epochs", epochs);
        map.put("seed", seed);
        map.put("data", data.toMap());
        putIfSet(map, "train_limit", trainLimit);
        return map;
    }

    public String canonicalJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of plain values always serialises", e);
        }
    }

    /** SHA-256 of the canonical JSON, hex. */
    public String configHash() {
        return ConfigHash.sha256Hex(canonicalJson());
    }

    public String trialId() {
        return ConfigHash.shortId(canonicalJson());
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
