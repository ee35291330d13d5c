package dev.sweeprunner.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.Normalization;
import dev.sweeprunner.spec.SourceLocation;
import dev.sweeprunner.spec.TrialField;
import dev.sweeprunner.spec.ValueParser;
import dev.sweeprunner.spec.YamlNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inverse of {@link TrialConfig#canonicalJson()}: a trial's resolved config back from the JSON
 * its id is computed from. A sweep sends this JSON to its worker JVMs (they never read the
 * experiment file), and {@code evaluate} reads it back from {@code trial.json}. Every value goes
 * through its field's own parser in {@link TrialField}, so a decoded config has exactly the types
 * and checks of a planned one.
 */
public final class CanonicalJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Decoded values have no place in an experiment file; errors name the JSON key instead. */
    private static final SourceLocation NOWHERE = new SourceLocation("canonical JSON", 0, 0);
    private static final String DATA = "data";
    private static final String TRAIN_LIMIT = "train_limit";
    private static final String FOLD = "fold";

    /** The JSON does not describe a trial; the message names the key. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private CanonicalJson() {}

    public static TrialConfig decode(String json) {
        try {
            return decode(JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (JsonProcessingException e) {
            throw new Invalid("not JSON: " + e.getOriginalMessage());
        }
    }

    /** From the map form ({@link TrialConfig#toMap()}, or a {@code trial.json}'s {@code config}). */
    public static TrialConfig decode(Map<String, Object> map) {
        Map<TrialField, Object> values = new EnumMap<>(TrialField.class);
        DataSettings data = DataSettings.defaults();
        Integer trainLimit = null;
        Integer fold = null;
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            switch (key) {
                case DATA -> data = data(asMap(key, value));
                case TRAIN_LIMIT -> trainLimit = integer(key, value);
                case FOLD -> fold = integer(key, value);
                default -> {
                    TrialField field = TrialField.byKey(key).orElseThrow(() -> new Invalid("unknown key '" + key + "'"));
                    values.put(field, value(field, value));
                }
            }
        }
        return new TrialConfig(values, data, trainLimit, fold);
    }

    private static Object value(TrialField field, Object value) {
        try {
            if (!field.listValued()) {
                return field.parse(scalar(value));
            }
            if (field == TrialField.LAYERS) {
                // canonical layers are flat text ("conv 32 k3 p1"), not the file's blocks
                return asList(field.key(), value).stream().map(item -> layer(field.key(), item)).toList();
            }
            List<YamlNode> items = asList(field.key(), value).stream().map(item -> (YamlNode) scalar(item)).toList();
            return field.parseList(new YamlNode.Seq(NOWHERE, items), field.key());
        } catch (ValueParser.Invalid | dev.sweeprunner.UserError e) {
            throw new Invalid(field.key() + ": " + e.getMessage());
        }
    }

    /** JSON numbers as YAML types them: whole numbers Long, others Double. */
    private static YamlNode.Scalar scalar(Object value) {
        return new YamlNode.Scalar(NOWHERE, value instanceof Integer i ? Long.valueOf(i) : value);
    }

    private static DataSettings data(Map<String, Object> map) {
        DataSettings d = DataSettings.defaults();
        double valFraction = d.valFraction();
        long splitSeed = d.splitSeed();
        Normalization normalize = d.normalize();
        double mean = d.mean();
        double std = d.std();
        Integer valSize = null;
        Integer trainSize = null;
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            String key = DATA + "." + entry.getKey();
            Object value = entry.getValue();
            switch (entry.getKey()) {
                case "val_fraction" -> valFraction = real(key, value);
                case "split_seed" -> splitSeed = whole(key, value);
                case "normalize" -> normalize = (Normalization) parse(key, ValueParser.choice(Normalization.class), value);
                case "mean" -> mean = real(key, value);
                case "std" -> std = real(key, value);
                case "val_size" -> valSize = integer(key, value);
                case "train_size" -> trainSize = integer(key, value);
                default -> throw new Invalid("unknown key '" + key + "'");
            }
        }
        return new DataSettings(null, valFraction, splitSeed, normalize, mean, std, valSize, trainSize);
    }

    /** The inverse of {@link Layer#canonical()}. */
    private static Layer layer(String key, Object item) {
        String[] words = item instanceof String s ? s.split(" ") : new String[0];
        try {
            return switch (words.length == 0 ? "" : words[0]) {
                case "conv" -> new Layer.Conv(Integer.parseInt(words[1]), prefixed(words[2], "k"), prefixed(words[3], "p"));
                case "dense" -> new Layer.Dense(Integer.parseInt(words[1]));
                case "batch_norm" -> new Layer.BatchNorm();
                case "relu" -> new Layer.Relu();
                case "max_pool" -> new Layer.MaxPool(Integer.parseInt(words[1]));
                case "dropout" -> new Layer.Dropout(Double.parseDouble(words[1]));
                case "flatten" -> new Layer.Flatten();
                case "global_avg_pool" -> new Layer.GlobalAvgPool();
                default -> throw new Invalid(key + ": unknown layer " + item);
            };
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new Invalid(key + ": malformed layer " + item);
        }
    }

    private static int prefixed(String word, String prefix) {
        if (!word.startsWith(prefix)) {
            throw new NumberFormatException(word);
        }
        return Integer.parseInt(word.substring(prefix.length()));
    }

    private static Object parse(String key, ValueParser parser, Object value) {
        try {
            return parser.parse(scalar(value));
        } catch (ValueParser.Invalid e) {
            throw new Invalid(key + ": " + e.getMessage());
        }
    }

    private static Integer integer(String key, Object value) {
        try {
            return Math.toIntExact(whole(key, value));
        } catch (ArithmeticException e) {
            throw new Invalid(key + ": out of range: " + value);
        }
    }

    private static long whole(String key, Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw new Invalid(key + ": expected a whole number, got " + value);
    }

    private static double real(String key, Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new Invalid(key + ": expected a number, got " + value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(String key, Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new Invalid(key + ": expected an object, got " + value);
    }

    private static List<Object> asList(String key, Object value) {
        if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        throw new Invalid(key + ": expected a list, got " + value);
    }
}
