package dev.sweeprunner.plan;

import dev.sweeprunner.spec.ConfigHash;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.spec.Choice;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.Family;
import dev.sweeprunner.spec.InitKind;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.LrSchedule;
import dev.sweeprunner.spec.Monitor;
import dev.sweeprunner.spec.OptimizerKind;
import dev.sweeprunner.spec.Precision;
import dev.sweeprunner.spec.Preset;
import dev.sweeprunner.spec.TrialField;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of one trial, resolved: the settings that apply, defaults included (except
 * later-added fields at their default, see {@link TrialField#recordedAtDefault()}), plus the data
 * split and, under k-fold cross-validation, the fold (1-based). Its canonical JSON is what the
 * trial id and config hash are computed from.
 */
public record TrialConfig(Map<TrialField, Object> values, DataSettings data, Integer trainLimit, Integer fold) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public TrialConfig {
        EnumMap<TrialField, Object> copy = new EnumMap<>(TrialField.class);
        copy.putAll(values);
        values = Collections.unmodifiableMap(copy);
    }

    /** The value, or the field's default when the trial leaves it unset (empty when neither). */
    public Optional<Object> get(TrialField field) {
        return Optional.ofNullable(values.get(field)).or(field::defaultValue);
    }

    private Object required(TrialField field) {
        return get(field).orElseThrow(() -> new IllegalStateException(field.key() + " is not set"));
    }

    public Family arch() {
        return (Family) required(TrialField.ARCH);
    }

    /** Null unless the network is sized from a budget. */
    public Long budget() {
        return (Long) values.get(TrialField.BUDGET);
    }

    public Optional<Preset> preset() {
        return Optional.ofNullable((Preset) values.get(TrialField.PRESET));
    }

    @SuppressWarnings("unchecked")
    public Optional<List<Integer>> hidden() {
        return Optional.ofNullable((List<Integer>) values.get(TrialField.HIDDEN));
    }

    @SuppressWarnings("unchecked")
    public Optional<List<Layer>> layers() {
        return Optional.ofNullable((List<Layer>) values.get(TrialField.LAYERS));
    }

    public OptimizerKind optimizer() {
        return (OptimizerKind) required(TrialField.OPTIMIZER);
    }

    public double lr() {
        return (Double) required(TrialField.LR);
    }

    /** Null for optimizers without momentum. */
    public Double momentum() {
        return (Double) values.get(TrialField.MOMENTUM);
    }

    public double weightDecay() {
        return (Double) required(TrialField.WEIGHT_DECAY);
    }

    public InitKind init() {
        return (InitKind) required(TrialField.INIT);
    }

    public InitKind outputInit() {
        return (InitKind) get(TrialField.OUTPUT_INIT).orElse(init());
    }

    /**
     * Dropout of generated hidden layers: budget-sized and {@code hidden:} networks, whose trials
     * always record it. Explicit layers set their own and leave the setting out (it does not apply).
     */
    public double dropout() {
        return (Double) required(TrialField.DROPOUT);
    }

    /** BatchNorm in generated hidden layers (see {@link #dropout()}). */
    public boolean batchNorm() {
        return (Boolean) required(TrialField.BATCH_NORM);
    }

    public int batchSize() {
        return intOrNull(required(TrialField.BATCH_SIZE));
    }

    public int epochs() {
        return intOrNull(required(TrialField.EPOCHS));
    }

    public long seed() {
        return (Long) required(TrialField.SEED);
    }

    public LrSchedule lrSchedule() {
        return (LrSchedule) required(TrialField.LR_SCHEDULE);
    }

    public int lrStep() {
        return intOrNull(required(TrialField.LR_STEP));
    }

    public double lrFactor() {
        return (Double) required(TrialField.LR_FACTOR);
    }

    public int lrPatience() {
        return intOrNull(required(TrialField.LR_PATIENCE));
    }

    public double lrMin() {
        return (Double) required(TrialField.LR_MIN);
    }

    public Monitor lrMonitor() {
        return (Monitor) required(TrialField.LR_MONITOR);
    }

    /** Epochs without improvement before stopping; 0 = off. */
    public int earlyStopping() {
        return intOrNull(required(TrialField.EARLY_STOPPING));
    }

    public Monitor earlyStoppingMonitor() {
        return (Monitor) required(TrialField.EARLY_STOPPING_MONITOR);
    }

    public double earlyStoppingMinDelta() {
        return (Double) required(TrialField.EARLY_STOPPING_MIN_DELTA);
    }

    public Monitor bestBy() {
        return (Monitor) required(TrialField.BEST_BY);
    }

    public double augmentFlip() {
        return (Double) required(TrialField.AUGMENT_FLIP);
    }

    public double augmentRotate() {
        return (Double) required(TrialField.AUGMENT_ROTATE);
    }

    public int augmentCropPadding() {
        return intOrNull(required(TrialField.AUGMENT_CROP_PADDING));
    }

    public Precision precision() {
        return (Precision) required(TrialField.PRECISION);
    }

    /** k of k-fold cross-validation; 0 = a plain holdout split. */
    public int folds() {
        return intOrNull(required(TrialField.FOLDS));
    }

    /** Network depth of a budget-sized network: the value of its family's depth field. */
    public int depth() {
        return intOrNull(required(arch().depthField()));
    }

    /** Snake-case keys as in the experiment file, in a fixed order; unset settings are left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (TrialField field : TrialField.values()) {
            if (field == TrialField.PRESET) {
                // the original keys end with data and train_limit; later fields follow them
                map.put("data", data.toMap());
                putIfSet(map, "train_limit", trainLimit);
            }
            Object value = values.get(field);
            if (value != null) {
                map.put(field.key(), plain(value));
            }
        }
        putIfSet(map, "fold", fold);
        return map;
    }

    /** JSON-friendly form: enums by their YAML name, layers by their canonical text. */
    private static Object plain(Object value) {
        if (value instanceof Choice choice) {
            return choice.yamlName();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> item instanceof Layer layer ? layer.canonical() : item).toList();
        }
        return value instanceof Long || value instanceof Double || value instanceof Boolean ? value : value.toString();
    }

    public String canonicalJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of plain values always serialises", e);
        }
    }

    /** SHA-256 of the JSON the trial's identity is computed from, hex. */
    public String configHash() {
        return ConfigHash.sha256Hex(identityJson());
    }

    public String trialId() {
        return ConfigHash.shortId(identityJson());
    }

    /** True when a scheduler, not {@code epochs}, decides how far the trial trains. */
    public boolean scheduled() {
        return values.containsKey(TrialField.SCHEDULER);
    }

    /**
     * The canonical JSON, less {@code epochs} for a scheduled trial: its length is max_epochs,
     * which a user may raise later to continue the same trials (same ids, same checkpoints).
     */
    private String identityJson() {
        if (!scheduled()) {
            return canonicalJson();
        }
        Map<String, Object> map = toMap();
        map.remove(TrialField.EPOCHS.key());
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of plain values always serialises", e);
        }
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Integer intOrNull(Object value) {
        return value == null ? null : Math.toIntExact(((Number) value).longValue());
    }
}
