package dev.sweeprunner.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every setting a trial can have: its YAML key, how a value is checked, its default and which
 * trials it applies to. Defaults are study A's common settings, the comparison this tool is for.
 */
public enum TrialField {
    /** A registered {@link Family} (see {@link Families}); explicit networks name theirs. */
    ARCH("arch", Families::parse, null, always()),
    /** Trainable-parameter budget; the runner picks widths that land within 95-100% of it. */
    BUDGET("budget", ValueParser.integer(1_000, 100_000_000), null, always()),
    /** Two hidden layers: the smallest FCN whose width can be tuned finely (see plan.Sizing). */
    HIDDEN_LAYERS("hidden_layers", ValueParser.integer(1, 8), 2L, depthOf("hidden_layers")),
    /**
     * Blocks of a budget-sized convolutional family, each halving the side: three take 28x28 down
     * to 3x3, like study B's compact CNN; 28/2^4 is the floor.
     */
    CONV_BLOCKS("conv_blocks", ValueParser.integer(1, 4), 3L, depthOf("conv_blocks")),
    OPTIMIZER("optimizer", ValueParser.choice(OptimizerKind.class), OptimizerKind.ADAM, always()),
    LR("lr", ValueParser.real(0, false, 10, true), 0.001, always()),
    /** 0 is PyTorch's default for both SGD and RMSprop. */
    MOMENTUM("momentum", ValueParser.real(0, true, 1, false), 0.0,
            t -> t.get(OPTIMIZER).map(o -> ((OptimizerKind) o).usesMomentum()).orElse(true)),
    /** L2 (added to the gradient) for SGD, Adam and RMSprop; decoupled (w -= lr*wd*w) for AdamW. */
    WEIGHT_DECAY("weight_decay", ValueParser.real(0, true, 1, true), 0.0, always()),
    INIT("init", ValueParser.choice(InitKind.class), InitKind.KAIMING_UNIFORM, always()),
    /** Dropout after every hidden layer of a sized or {@code hidden:} network (explicit layers set their own). */
    DROPOUT("dropout", ValueParser.real(0, true, 1, false), 0.2, generated()),
    BATCH_NORM("batch_norm", ValueParser.bool(), true, generated()),
    /** At least 2: BatchNorm cannot normalise a training batch of one image. */
    BATCH_SIZE("batch_size", ValueParser.integer(2, 65_536), 64L, always()),
    EPOCHS("epochs", ValueParser.integer(1, 10_000), 20L, always()),
    /** PyTorch seeds are 32-bit through DJL (Engine.setRandomSeed takes an int). */
    SEED("seed", ValueParser.integer(0, Integer.MAX_VALUE), 1L, always()),

    // Fields below were added after the first reference run. They are left out of a trial's
    // config (and so of its id) while at their default, so existing trial ids do not change.

    /** A named network of the reference studies instead of a budget (see {@link Preset}). */
    PRESET("preset", ValueParser.choice(Preset.class), null, always()),
    /** Hidden widths of an FCN, e.g. [512, 256, 128], instead of a budget. */
    HIDDEN("hidden", LayerParser::widths, always()),
    /** An explicit layer list (see {@link LayerParser}) instead of a budget. */
    LAYERS("layers", LayerParser::layers, always()),
    /** Initialisation of the output layer; unset = same as {@code init} (study D: He hidden, Xavier out). */
    OUTPUT_INIT("output_init", ValueParser.choice(InitKind.class), null, always()),
    LR_SCHEDULE("lr_schedule", ValueParser.choice(LrSchedule.class), LrSchedule.NONE, always()),
    /** StepLR's step_size has no PyTorch default; 10 epochs is a common choice for 20-50-epoch runs. */
    LR_STEP("lr_step", ValueParser.integer(1, 10_000), 10L, schedule(LrSchedule.STEP)),
    /** 0.1 is the default of both PyTorch's StepLR (gamma) and ReduceLROnPlateau (factor). */
    LR_FACTOR("lr_factor", ValueParser.real(0, false, 1, false), 0.1, schedule(LrSchedule.STEP, LrSchedule.PLATEAU)),
    /** ReduceLROnPlateau's defaults: patience 10, min_lr 0, mode min on the validation loss. */
    LR_PATIENCE("lr_patience", ValueParser.integer(0, 10_000), 10L, schedule(LrSchedule.PLATEAU)),
    LR_MIN("lr_min", ValueParser.real(0, true, 10, true), 0.0, schedule(LrSchedule.PLATEAU, LrSchedule.COSINE)),
    LR_MONITOR("lr_monitor", ValueParser.choice(Monitor.class), Monitor.VAL_LOSS, schedule(LrSchedule.PLATEAU)),
    /** Epochs without improvement before training stops; 0 = never stop early. */
    EARLY_STOPPING("early_stopping", ValueParser.integer(0, 10_000), 0L, always()),
    /** Keras' EarlyStopping defaults: val_loss, min_delta 0. */
    EARLY_STOPPING_MONITOR("early_stopping_monitor", ValueParser.choice(Monitor.class), Monitor.VAL_LOSS, earlyStopping()),
    EARLY_STOPPING_MIN_DELTA("early_stopping_min_delta", ValueParser.real(0, true, 1e6, true), 0.0, earlyStopping()),
    /** Which epoch's weights are kept as best.params and called "best" (higher val_acc, or lower val_loss). */
    BEST_BY("best_by", ValueParser.choice(Monitor.class), Monitor.VAL_ACC, always()),
    /** Probability of flipping a training image left-right. */
    AUGMENT_FLIP("augment_flip", ValueParser.real(0, true, 1, true), 0.0, always()),
    /** Rotate each training image by an angle drawn from [-d, d] degrees (bilinear, zero fill). */
    AUGMENT_ROTATE("augment_rotate", ValueParser.real(0, true, 180, true), 0.0, always()),
    /** Pad by p pixels (zeros) and crop a random 28x28 window: a shift of up to p pixels. */
    AUGMENT_CROP_PADDING("augment_crop_padding", ValueParser.integer(0, 14), 0L, always()),
    /** k-fold cross-validation: the trial runs once per fold (the fold's images validate); 0 = holdout. */
    FOLDS("folds", scalar -> {
        Long k = (Long) ValueParser.integer(0, 100).parse(scalar);
        if (k == 1) {
            throw new ValueParser.Invalid("must be 0 (holdout) or at least 2, got 1");
        }
        return k;
    }, 0L, always()),
    /**
     * Per-trial normalisation (study E normalises its two models differently); replaces the data
     * section's normalize/mean/std for this trial and is recorded under the trial's data settings.
     */
    NORMALIZE("normalize", ValueParser.choice(Normalization.class), null, always()),
    MEAN("mean", ValueParser.real(-1e6, true, 1e6, true), null, always()),
    STD("std", ValueParser.real(0, false, 1e6, true), null, always()),
    /**
     * Set by the planner on every trial of a search with a {@code scheduler:} block, never by the
     * experiment file's trial sections; such a trial's id leaves {@code epochs} out (see
     * {@link Scheduler}).
     */
    SCHEDULER("scheduler", ValueParser.choice(Scheduler.class), null, always()),
    /**
     * fp32 everywhere by default: the reference studies' format, and that of every committed
     * result but the bf16 check of table1. bf16 is mixed precision with fp32 weights (see
     * {@link Precision}).
     */
    PRECISION("precision", ValueParser.choice(Precision.class), Precision.FP32, always());

    /** Read access to the values already chosen for a trial, for applicability rules. */
    public interface Lookup {
        Optional<Object> get(TrialField field);
    }

    /** The four ways a trial names its network; a grid block uses exactly one. */
    public static final List<TrialField> NETWORK_CHOICES = List.of(BUDGET, PRESET, HIDDEN, LAYERS);

    /** Parses a list-valued setting (one value is a YAML list) and reports problems with its path. */
    @FunctionalInterface
    public interface ListParser {
        Object parse(YamlNode.Seq list, String path);
    }

    private final String key;
    private final ValueParser parser;
    private final ListParser listParser;
    private final Object defaultValue;
    private final Predicate<Lookup> appliesTo;

    TrialField(String key, ValueParser parser, Object defaultValue, Predicate<Lookup> appliesTo) {
        this.key = key;
        this.parser = parser;
        this.listParser = null;
        this.defaultValue = defaultValue;
        this.appliesTo = appliesTo;
    }

    TrialField(String key, ListParser listParser, Predicate<Lookup> appliesTo) {
        this.key = key;
        this.parser = null;
        this.listParser = listParser;
        this.defaultValue = null;
        this.appliesTo = appliesTo;
    }

    public String key() {
        return key;
    }

    public Object parse(YamlNode.Scalar scalar) {
        return parser.parse(scalar);
    }

    /** True when one value is itself a list ({@code hidden}, {@code layers}); a list of lists sweeps. */
    public boolean listValued() {
        return listParser != null;
    }

    public Object parseList(YamlNode.Seq list, String path) {
        return listParser.parse(list, path);
    }

    /** Fields from {@link #PRESET} on stay out of a trial's config while at their default (stable ids). */
    public boolean recordedAtDefault() {
        return ordinal() < PRESET.ordinal();
    }

    public Optional<Object> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** False when the setting means nothing for this trial (momentum for Adam, depth of the other arch). */
    public boolean appliesTo(Lookup trial) {
        return appliesTo.test(trial);
    }

    public static Optional<TrialField> byKey(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst();
    }

    /**
     * The value a resolved config (as {@code toMap} writes it) has for {@code key}: its own, or for
     * a field left out at its default (see {@link #recordedAtDefault}) that applies to every trial,
     * that default, so that {@code --only precision=fp32} finds the trials that never wrote it.
     */
    public static Optional<Object> valueIn(Map<String, Object> config, String key) {
        Object value = config.get(key);
        if (value != null) {
            return Optional.of(value);
        }
        return byKey(key).filter(f -> !f.recordedAtDefault() && f.appliesTo == Always.ANY)
                .flatMap(TrialField::defaultValue)
                .map(d -> d instanceof Choice choice ? choice.yamlName() : d);
    }

    /** One instance, so that "applies to every trial" can be told apart from a rule. */
    private static final class Always {
        static final Predicate<Lookup> ANY = t -> true;
    }

    private static Predicate<Lookup> always() {
        return Always.ANY;
    }

    /**
     * A depth knob applies to a budget-sized network of a family whose depth it is (by key: an enum
     * constant cannot name itself in its own initializer).
     */
    private static Predicate<Lookup> depthOf(String key) {
        return t -> t.get(BUDGET).isPresent()
                && t.get(ARCH).map(a -> ((Family) a).depthField().key().equals(key)).orElse(true);
    }

    /** Settings the runner uses to generate layers: budget-sized and {@code hidden:} networks. */
    private static Predicate<Lookup> generated() {
        return t -> t.get(BUDGET).isPresent() || t.get(HIDDEN).isPresent();
    }

    private static Predicate<Lookup> schedule(LrSchedule... schedules) {
        return t -> List.of(schedules).contains(t.get(LR_SCHEDULE).orElse(LrSchedule.NONE));
    }

    private static Predicate<Lookup> earlyStopping() {
        return t -> t.get(EARLY_STOPPING).map(p -> (Long) p > 0).orElse(false);
    }
}
