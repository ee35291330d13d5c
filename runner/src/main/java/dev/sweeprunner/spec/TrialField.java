package dev.sweeprunner.spec;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every setting a trial can have: its YAML key, how a value is checked, its default and which
 * trials it applies to. Defaults are study A's common settings, the comparison this tool is for.
 */
public enum TrialField {
    ARCH("arch", ValueParser.choice(Arch.class), null, always()),
    /** Trainable-parameter budget; the runner picks widths that land within 95-100% of it. */
    BUDGET("budget", ValueParser.integer(1_000, 100_000_000), null, always()),
    /** Two hidden layers: the smallest FCN whose width can be tuned finely (see plan.Sizing). */
    HIDDEN_LAYERS("hidden_layers", ValueParser.integer(1, 8), 2L, arch(Arch.FCN)),
    /** Three conv blocks take 28x28 down to 3x3, like study B's compact CNN; 28/2^4 is the floor. */
    CONV_BLOCKS("conv_blocks", ValueParser.integer(1, 4), 3L, arch(Arch.CNN)),
    OPTIMIZER("optimizer", ValueParser.choice(OptimizerKind.class), OptimizerKind.ADAM, always()),
    LR("lr", ValueParser.real(0, false, 10, true), 0.001, always()),
    /** 0 is PyTorch's default for both SGD and RMSprop. */
    MOMENTUM("momentum", ValueParser.real(0, true, 1, false), 0.0,
            t -> t.get(OPTIMIZER).map(o -> ((OptimizerKind) o).usesMomentum()).orElse(true)),
    WEIGHT_DECAY("weight_decay", ValueParser.real(0, true, 1, true), 0.0, always()),
    INIT("init", ValueParser.choice(InitKind.class), InitKind.KAIMING_UNIFORM, always()),
    DROPOUT("dropout", ValueParser.real(0, true, 1, false), 0.2, always()),
    BATCH_NORM("batch_norm", ValueParser.bool(), true, always()),
    /** At least 2: BatchNorm cannot normalise a training batch of one image. */
    BATCH_SIZE("batch_size", ValueParser.integer(2, 65_536), 64L, always()),
    EPOCHS("epochs", ValueParser.integer(1, 10_000), 20L, always()),
    /** PyTorch seeds are 32-bit through DJL (Engine.setRandomSeed takes an int). */
    SEED("seed", ValueParser.integer(0, Integer.MAX_VALUE), 1L, always());

    /** Read access to the values already chosen for a trial, for applicability rules. */
    public interface Lookup {
        Optional<Object> get(TrialField field);
    }

    private final String key;
    private final ValueParser parser;
    private final Object defaultValue;
    private final Predicate<Lookup> appliesTo;

    TrialField(String key, ValueParser parser, Object defaultValue, Predicate<Lookup> appliesTo) {
        this.key = key;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.appliesTo = appliesTo;
    }

    public String key() {
        return key;
    }

    public Object parse(YamlNode.Scalar scalar) {
        return parser.parse(scalar);
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

    private static Predicate<Lookup> always() {
        return t -> true;
    }

    private static Predicate<Lookup> arch(Arch arch) {
        return t -> t.get(ARCH).map(arch::equals).orElse(true);
    }
}
